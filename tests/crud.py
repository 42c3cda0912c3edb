"""The tests every master-data resource passes, on its API and on its pages.

A resource's test module subclasses `ApiCases` and/or `PageCases` and says what is particular to
it: how to make a record (`make`), a body or form to create one and a change to apply, a bad
input, who may write (`writer`), and optionally how to put a record in use (`use`). The shared
cases then check, the same way for every resource:

- permissions per role: a viewer reads but cannot write (nothing is written), the capability's
  role writes, an anonymous caller gets a 401 (API) or is sent to the login page (pages);
- the create, change and delete round trip, each with an audit entry naming who did it (an edit
  whose audit has no changes means the fetch-once rule was broken);
- bad input gets the error shape (status 400 or 422 with `code` and `detail`) and writes nothing;
- a record in use is refused deletion (409 `in_use`; the page says what uses it);
- the list's query count does not grow with the rows (N rows, then 3N rows: the same count).
"""

import json
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from andon.core.models import AuditEntry


class Api:
    """Calls /api/v1 with JSON bodies, so the cases read like the requests they make."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def get(self, path: str) -> Any:
        return self.client.get(f"/api/v1{path}")

    def send(self, method: str, path: str, body: Any = None) -> Any:
        data = json.dumps(body, default=str) if body is not None else None
        return getattr(self.client, method)(
            f"/api/v1{path}", data=data, content_type="application/json"
        )


def _audited(model: Any, action: str, record_id: Any, user: Any) -> AuditEntry:
    entry = AuditEntry.objects.filter(
        model=model._meta.label_lower, action=action, object_id=str(record_id)
    ).first()
    assert entry is not None, f"no {action} audit entry for {model.__name__} {record_id}"
    assert entry.user == user
    return entry


def _same(answer: Any, sent: Any) -> bool:
    """Whether the API answered with the value sent (18 and "18.0000" are the same quantity)."""
    try:
        return Decimal(str(answer)) == Decimal(str(sent))
    except InvalidOperation:
        return bool(answer == sent)


def _queries(run: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        run()
    return len(captured.captured_queries)


class Resource:
    """What a resource's cases need to know; subclasses fill it in."""

    model: ClassVar[Any]
    writer: ClassVar[str] = "planner"
    rows: ClassVar[int] = 5

    def prepare(self) -> None:
        """Create what every record needs (a calendar for work centers, a unit for items)."""

    def make(self, n: int) -> Any:
        """Create the n-th record directly, as a fixture would."""
        raise NotImplementedError

    def use(self, record: Any) -> bool:
        """Make something use `record`; False when nothing can (the in-use case is skipped)."""
        return False

    @pytest.fixture
    def setup(self, db: Any, user_with_role: Any) -> Any:
        self.prepare()
        self.viewer = user_with_role("viewer")
        self.author = user_with_role(self.writer)
        return self

    def login(self, client: Any, user: Any) -> Any:
        client.force_login(user)
        return client

    def flat_queries(self, run: Any) -> None:
        """The same number of queries for N rows and for 3N rows."""
        for n in range(self.rows):
            self.make(1000 + n)
        few = _queries(run)
        for n in range(self.rows * 2):
            self.make(2000 + n)
        assert _queries(run) == few


class ApiCases(Resource):
    """The five standard endpoints of one resource."""

    path: ClassVar[str]
    create_body: ClassVar[dict[str, Any]]
    change: ClassVar[dict[str, Any]]
    bad_body: ClassVar[dict[str, Any]] = {}

    def address(self, record: Any) -> str:
        """The path of one record (by code by default)."""
        return f"{self.path}/{record.code}"

    def created(self, body: dict[str, Any]) -> Any:
        """The record a create answer describes."""
        return self.model.objects.get(pk=body["id"]) if "id" in body else None

    def test_anonymous_gets_401(self, setup: Any, client: Any) -> None:
        response = Api(client).get(self.path)
        assert response.status_code == 401
        assert response.json()["code"] == "not_authenticated"

    def test_viewer_reads_but_cannot_write(self, setup: Any, client: Any) -> None:
        record = self.make(1)
        api = Api(self.login(client, self.viewer))
        assert api.get(self.path).status_code == 200
        assert api.get(self.address(record)).status_code == 200
        before = self.model.objects.count()
        for method, path, body in [
            ("post", self.path, self.create_body),
            ("patch", self.address(record), self.change),
            ("delete", self.address(record), None),
        ]:
            response = api.send(method, path, body)
            assert response.status_code == 403, (method, response.content)
            assert response.json()["code"] == "forbidden"
        assert self.model.objects.count() == before
        assert not AuditEntry.objects.filter(user=self.viewer).exists()

    def test_create_change_delete_round_trip_is_audited(self, setup: Any, client: Any) -> None:
        api = Api(self.login(client, self.author))
        response = api.send("post", self.path, self.create_body)
        assert response.status_code == 201, response.content
        record = self.created(response.json()) or self.model.objects.order_by("-pk").first()
        _audited(self.model, "create", record.pk, self.author)
        response = api.send("patch", self.address(record), self.change)
        assert response.status_code == 200, response.content
        for name, value in self.change.items():
            assert _same(response.json()[name], value), (name, response.json()[name])
        entry = _audited(self.model, "update", record.pk, self.author)
        assert set(self.change) <= set(entry.changes)
        assert api.get(self.address(record)).status_code == 200
        assert api.send("delete", self.address(record)).status_code == 204
        _audited(self.model, "delete", record.pk, self.author)
        response = api.get(self.address(record))
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"

    def test_bad_input_gets_the_error_shape_and_writes_nothing(
        self, setup: Any, client: Any
    ) -> None:
        api = Api(self.login(client, self.author))
        before = self.model.objects.count()
        response = api.send("post", self.path, self.bad_body)
        assert response.status_code in (400, 422), response.content
        body = response.json()
        assert body["code"]
        assert body["detail"]
        assert self.model.objects.count() == before
        assert not AuditEntry.objects.exists()

    def test_deleting_a_record_in_use_is_refused(self, setup: Any, client: Any) -> None:
        record = self.make(1)
        if not self.use(record):
            pytest.skip("nothing can use this record")
        response = Api(self.login(client, self.author)).send("delete", self.address(record))
        assert response.status_code == 409
        assert response.json()["code"] == "in_use"
        assert self.model.objects.filter(pk=record.pk).exists()

    def test_list_query_count_does_not_grow_with_rows(self, setup: Any, client: Any) -> None:
        api = Api(self.login(client, self.viewer))
        self.flat_queries(lambda: api.get(f"{self.path}?limit=100"))


class PageCases(Resource):
    """The list, create, edit and delete pages of one resource."""

    url: ClassVar[str]
    has_detail: ClassVar[bool] = True

    def form(self, n: int) -> dict[str, Any]:
        """A valid form for a new record."""
        raise NotImplementedError

    def edited(self, record: Any) -> dict[str, Any]:
        """A valid form that changes `record`."""
        raise NotImplementedError

    def page(self, name: str, record: Any = None) -> str:
        return reverse(f"{self.url}-{name}", args=[record.pk] if record is not None else [])

    def test_anonymous_is_sent_to_login(self, setup: Any, client: Any) -> None:
        response = client.get(self.page("list"))
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]

    def test_viewer_reads_but_cannot_write(self, setup: Any, client: Any) -> None:
        record = self.make(1)
        self.login(client, self.viewer)
        assert client.get(self.page("list")).status_code == 200
        if self.has_detail:
            html = client.get(self.page("detail", record)).content.decode()
            assert self.page("edit", record) not in html
        assert client.get(self.page("create")).status_code == 403
        assert client.post(self.page("create"), self.form(2)).status_code == 403
        assert client.post(self.page("edit", record), self.edited(record)).status_code == 403
        assert client.post(self.page("delete", record)).status_code == 403
        assert self.model.objects.filter(pk=record.pk).exists()
        assert not AuditEntry.objects.exists()

    def test_create_edit_delete_round_trip_is_audited(self, setup: Any, client: Any) -> None:
        self.login(client, self.author)
        before = set(self.model.objects.values_list("pk", flat=True))
        response = client.post(self.page("create"), self.form(1))
        assert response.status_code == 302, response.context and response.context["form"].errors
        (pk,) = set(self.model.objects.values_list("pk", flat=True)) - before
        record = self.model.objects.get(pk=pk)
        _audited(self.model, "create", pk, self.author)
        assert client.get(self.page("edit", record)).status_code == 200
        response = client.post(self.page("edit", record), self.edited(record))
        assert response.status_code == 302, response.context and response.context["form"].errors
        entry = _audited(self.model, "update", pk, self.author)
        assert entry.changes, "the edit was audited without its changes"
        assert client.get(self.page("delete", record)).status_code == 200
        assert client.post(self.page("delete", record)).status_code == 302
        assert not self.model.objects.filter(pk=pk).exists()
        _audited(self.model, "delete", pk, self.author)

    def test_bad_form_shows_problems_and_writes_nothing(self, setup: Any, client: Any) -> None:
        self.login(client, self.author)
        before = self.model.objects.count()
        response = client.post(self.page("create"), {"code": ""})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert self.model.objects.count() == before

    def test_delete_page_says_what_uses_the_record(self, setup: Any, client: Any) -> None:
        record = self.make(1)
        if not self.use(record):
            pytest.skip("nothing can use this record")
        self.login(client, self.author)
        assert "still used by" in client.get(self.page("delete", record)).content.decode()
        client.post(self.page("delete", record))
        assert self.model.objects.filter(pk=record.pk).exists()

    def test_list_query_count_does_not_grow_with_rows(self, setup: Any, client: Any) -> None:
        self.login(client, self.viewer)
        self.flat_queries(lambda: client.get(self.page("list")))
