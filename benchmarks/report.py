"""Print benchmark rows as a readable table or as one JSON object per line."""

import json
from collections.abc import Iterable, Mapping
from typing import Any, Protocol


class Writer(Protocol):
    def write(self, text: str) -> Any: ...

    def flush(self) -> Any: ...


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 1000 else f"{value:,.0f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def emit(rows: Iterable[Mapping[str, Any]], out: Writer, as_json: bool) -> list[dict[str, Any]]:
    """Write rows as they come (JSON) or as an aligned table at the end; return them."""
    collected: list[dict[str, Any]] = []
    for row in rows:
        collected.append(dict(row))
        if as_json:
            out.write(json.dumps(row, default=str) + "\n")
            out.flush()
    if not as_json and collected:
        columns: list[str] = []
        for row in collected:
            columns.extend(k for k in row if k not in columns)
        table = [[_cell(row.get(c, "")) for c in columns] for row in collected]
        widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(columns)]
        out.write("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)) + "\n")
        out.write("  ".join("-" * w for w in widths) + "\n")
        for r in table:
            out.write("  ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) + "\n")
    return collected
