"""The five standard REST endpoints of a master-data resource, declared in a few lines.

`Endpoints(...).mount(router)` adds list (filtered, paginated), get, create (201), change
(PATCH, only the fields sent) and delete (204) for one resource. Each endpoint asks the
permission first (a JSON 403 `forbidden`), then reads or calls the app's service; whatever the
service refuses travels through the error contract of `andon.core.errors` (400 `invalid` with
its problems, 404 `not_found`, 409 `in_use`), and a body the schema rejects is a 422
`invalid_request`.

The endpoints carry the names an app would have given its own functions (`list_work_centers`,
`get_work_center`, ...) in the app's module, so the OpenAPI operation ids stay what clients
know. A resource whose endpoints differ (orders with their lines, actions such as cancel)
declares only the ones that are standard and writes the others beside them.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import FilterSchema, PatchDict, Query, Router, Schema, Status
from ninja.pagination import paginate

from andon.core.crud import VIEW, Permission
from andon.core.errors import Forbidden
from andon.core.pagination import Pagination
from andon.core.records import find

ARG = inspect.Parameter.POSITIONAL_OR_KEYWORD


def require(permission: Permission, request: HttpRequest, capability: str) -> None:
    """A JSON 403 unless the caller holds `capability`."""
    if not permission(request.user, capability):
        raise Forbidden(f"Your role does not allow {capability}.")


def _sent(payload: Any) -> dict[str, Any]:
    """The fields a PATCH body sets: a PatchDict is them already; a schema leaves out the unset."""
    if isinstance(payload, Schema):
        return payload.model_dump(exclude_unset=True)
    return dict(payload)


def _article(noun: str) -> str:
    return "an" if noun[:1].lower() in "aeiou" else "a"


@dataclass(frozen=True)
class Endpoints:
    """One resource's standard endpoints.

    `name`/`names` name the functions (`work_center`, `work_centers`); `key` is the path
    parameter a record is addressed by and its type (`("code", str)`, `("pk", int)`);
    `fetch` finds the record by it (by natural key through `records.find` by default).
    `create(user, values)`, `update(user, record, values)` and `delete(user, record)` are the
    service's use cases; an endpoint whose service is None is not declared, nor the list when
    `listed` is false (records listed only under their parent). `patch` is the
    PATCH body (`PatchDict[schema_in]` by default: the fields sent, nothing else).
    """

    module: str
    path: str
    name: str
    names: str
    schema_in: type[Schema]
    schema_out: type[Schema]
    queryset: Callable[[], QuerySet[Any]]
    capability: str
    permission: Permission
    noun: str = ""
    plural: str = ""
    key: tuple[str, type] = ("code", str)
    filters: type[FilterSchema] | None = None
    distinct: bool = False
    listed: bool = True
    fetch: Callable[[Any], Any] | None = None
    create: Callable[[Any, dict[str, Any]], Any] | None = None
    update: Callable[[Any, Any, dict[str, Any]], Any] | None = None
    delete: Callable[[Any, Any], None] | None = None
    patch: Any = None
    summaries: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    # --- what the schema says -------------------------------------------------------------

    def _noun(self) -> str:
        return self.noun or self.name.replace("_", " ")

    def summary(self, verb: str) -> str:
        if verb in self.summaries:
            return self.summaries[verb]
        noun = self._noun()
        return {
            "list": f"List {self.plural or self.names.replace('_', ' ')}",
            "get": f"One {noun}",
            "create": f"Create {_article(noun)} {noun}",
            "update": f"Change {_article(noun)} {noun}",
            "delete": f"Delete {_article(noun)} {noun}",
        }[verb]

    def _named(self, view: Callable[..., Any], name: str, params: list[inspect.Parameter]) -> Any:
        """Give a view the app's name, module and signature, which ninja reads for the schema."""
        view.__name__ = view.__qualname__ = name
        view.__module__ = self.module
        view.__doc__ = self.descriptions.get(name.split("_", 1)[0])
        request = inspect.Parameter("request", ARG, annotation=HttpRequest)
        view.__signature__ = inspect.Signature([request, *params])  # type: ignore[attr-defined]
        return view

    def _key_param(self) -> inspect.Parameter:
        name, kind = self.key
        return inspect.Parameter(name, ARG, annotation=kind)

    # --- the endpoints ----------------------------------------------------------------------

    def record(self, key: Any) -> Any:
        """The record a path addresses; NotFound (404) if there is none."""
        if self.fetch is not None:
            return self.fetch(key)
        return find(self.queryset().model, key)

    def mount(self, router: Router) -> None:
        """Declare the endpoints on `router`, in the order the schema lists them."""
        one = f"{self.path}/{{{self.key[0]}}}"
        if self.listed:
            self._list(router)
        self._get(router, one)
        if self.create is not None:
            self._create(router, self.create)
        if self.update is not None:
            self._update(router, one, self.update)
        if self.delete is not None:
            self._delete(router, one, self.delete)

    def _list(self, router: Router) -> None:
        filters = self.filters

        def view(request: HttpRequest, **kwargs: Any) -> QuerySet[Any]:
            require(self.permission, request, VIEW)
            records = self.queryset()
            if filters is not None:
                records = kwargs["filters"].filter(records)
            return records.distinct() if self.distinct else records

        query: Any = Query[filters] if filters else None  # type: ignore[valid-type,misc]
        params = [inspect.Parameter("filters", ARG, annotation=query)] if filters else []
        named = self._named(view, f"list_{self.names}", params)
        many: Any = list[self.schema_out]  # type: ignore[name-defined]
        router.get(self.path, response=many, summary=self.summary("list"))(
            paginate(Pagination)(named)
        )

    def _get(self, router: Router, one: str) -> None:
        def view(request: HttpRequest, **kwargs: Any) -> Any:
            require(self.permission, request, VIEW)
            return self.record(kwargs[self.key[0]])

        named = self._named(view, f"get_{self.name}", [self._key_param()])
        router.get(one, response=self.schema_out, summary=self.summary("get"))(named)

    def _create(self, router: Router, create: Callable[[Any, dict[str, Any]], Any]) -> None:
        def view(request: HttpRequest, **kwargs: Any) -> Status[Any]:
            require(self.permission, request, self.capability)
            return Status(201, create(request.user, kwargs["payload"].model_dump()))

        payload = inspect.Parameter("payload", ARG, annotation=self.schema_in)
        named = self._named(view, f"create_{self.name}", [payload])
        router.post(self.path, response={201: self.schema_out}, summary=self.summary("create"))(
            named
        )

    def _update(
        self, router: Router, one: str, update: Callable[[Any, Any, dict[str, Any]], Any]
    ) -> None:
        def view(request: HttpRequest, **kwargs: Any) -> Any:
            require(self.permission, request, self.capability)
            record = self.record(kwargs[self.key[0]])
            return update(request.user, record, _sent(kwargs["payload"]))

        body = self.patch or PatchDict[self.schema_in]  # type: ignore[name-defined]
        payload = inspect.Parameter("payload", ARG, annotation=body)
        named = self._named(view, f"update_{self.name}", [self._key_param(), payload])
        router.patch(one, response=self.schema_out, summary=self.summary("update"))(named)

    def _delete(self, router: Router, one: str, delete: Callable[[Any, Any], None]) -> None:
        def view(request: HttpRequest, **kwargs: Any) -> Status[None]:
            require(self.permission, request, self.capability)
            delete(request.user, self.record(kwargs[self.key[0]]))
            return Status(204, None)

        named = self._named(view, f"delete_{self.name}", [self._key_param()])
        router.delete(one, response={204: None}, summary=self.summary("delete"))(named)


@dataclass(frozen=True)
class Resources:
    """An app's master-data resources on its router, sharing its module and capability."""

    router: Router
    module: str
    capability: str
    permission: Permission

    def add(self, path: str, name: str, names: str, **spec: Any) -> Endpoints:
        """Declare one resource's standard endpoints (see `Endpoints` for `spec`)."""
        endpoints = Endpoints(
            module=self.module,
            path=path,
            name=name,
            names=names,
            capability=self.capability,
            permission=self.permission,
            **spec,
        )
        endpoints.mount(self.router)
        return endpoints
