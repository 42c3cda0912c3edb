"""One writer per context: no app writes the tables of another app's models itself; it calls
the owner's services (DESIGN.md, "One writer per ledger", and the services rule).

A static check, so a new context that copies a reach-in fails here before review. It sees writes
through a model class imported from another app (`Other.objects...create/update/delete/...`,
`core.create(user, Other(...))`); it cannot see `instance.save()` on an instance it cannot type,
so it is a net for the common shape, not a proof.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "andon"
WRITES = frozenset(
    {
        "create",
        "update",
        "delete",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "insert_rows",
        "update_rows",
    }
)
# Each entry says why it is still here; remove it when the owner's service takes the write over.
KNOWN: set[str] = set()


def _foreign_models(tree: ast.Module, app: str) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("andon."):
            parts = node.module.split(".")
            if len(parts) >= 3 and parts[2] == "models" and parts[1] != app:
                names.update(a.asname or a.name for a in node.names)
    return names


def _root(node: ast.expr) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def reach_ins(path: Path, app: str, root: Path = SRC) -> list[str]:
    """Where the file writes a model of another app, as `file:line: code`."""
    tree = ast.parse(path.read_text())
    foreign = _foreign_models(tree, app)
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        through_model = _root(node.func.value) in foreign
        through_core = any(
            isinstance(arg, ast.Call) and _root(arg.func) in foreign for arg in node.args
        ) and _root(node.func.value) in {"core", "services"}
        if through_model or through_core:
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)[:100]}")
    return found


def _app_files() -> list[tuple[Path, str]]:
    files = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC).parts
        if len(parts) < 2 or parts[0] in {"engines", "demo"} or "migrations" in parts:
            continue
        files.append((path, parts[0]))
    return files


def test_no_context_writes_another_contexts_tables():
    found = [
        hit
        for path, app in _app_files()
        if str(path.relative_to(SRC)) not in KNOWN
        for hit in reach_ins(path, app)
    ]
    assert not found, "call the owner's service instead:\n" + "\n".join(found)


def test_the_check_sees_a_reach_in(tmp_path):
    app = tmp_path / "collaboration"
    app.mkdir()
    sample = app / "services.py"
    sample.write_text(
        "from andon.alerts.models import Notification\n"
        "from andon.collaboration.models import Mention\n"
        "from andon.core import services as core\n"
        "def f(user, ids):\n"
        "    Mention.objects.filter(pk__in=ids).delete()\n"
        "    Notification.objects.filter(pk__in=ids).delete()\n"
        "    core.create(user, Notification(message='x'))\n"
    )
    found = reach_ins(sample, "collaboration", root=tmp_path)
    assert [hit.split(": ")[0] for hit in found] == [
        "collaboration/services.py:6",
        "collaboration/services.py:7",
    ]
