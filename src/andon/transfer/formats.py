"""The file format: which files exist, their columns, and how a cell becomes a value and back.

One table of `FileSpec`s drives the reader, the validator, the exporter and the documentation, so
that what is exported is exactly what can be imported again. Cells are text: a value is written
the one way it is read back (decimals without trailing zeros, ISO dates), which makes an export
of an export byte-for-byte identical.
"""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

TEXT = "text"
DECIMAL = "decimal"
INTEGER = "integer"
DATE = "date"
TIME = "time"
BOOL = "boolean"
CHOICE = "choice"
REF = "reference"
LIST = "list"

TRUE_WORDS = frozenset({"true", "yes", "y", "1"})
FALSE_WORDS = frozenset({"false", "no", "n", "0"})
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_RE = re.compile(r"^\d{1,2}:\d{2}(:\d{2})?$")


class CellError(ValueError):
    """A cell that cannot be read as its column's type; the message says what was expected."""


@dataclass(frozen=True)
class Column:
    """One column of a file: its type, whether it must be present and filled, and for whom.

    `field` is the model attribute it fills (the column name when empty); `ref` names the
    registry a reference resolves in (`items`, `units`...); `help` and `example` feed the docs.
    """

    name: str
    kind: str = TEXT
    required: bool = False
    field: str = ""
    ref: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""
    example: str = ""

    @property
    def attr(self) -> str:
        return self.field or self.name


@dataclass(frozen=True)
class FileSpec:
    """One importable file (`<name>.csv`, or a sheet `<name>` of a workbook)."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str = ""
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.by_name.update({c.name: c for c in self.columns})

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def parse_cell(column: Column, text: str) -> Any:
    """The typed value of a non-blank cell, or CellError saying what the column expects."""
    kind = column.kind
    if kind in (TEXT, REF, LIST):
        return text
    if kind == DECIMAL:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise CellError(f"'{text}' is not a number (use a dot for decimals: 2.5)") from None
        if not value.is_finite():
            raise CellError(f"'{text}' is not a number")
        return value
    if kind == INTEGER:
        if not re.fullmatch(r"-?\d+", text):
            raise CellError(f"'{text}' is not a whole number")
        return int(text)
    if kind == DATE:
        return parse_date(text)
    if kind == TIME:
        if not TIME_RE.match(text):
            raise CellError(f"'{text}' is not a time of day (HH:MM)")
        try:
            return dt.time.fromisoformat(text.zfill(5) if len(text) == 4 else text)
        except ValueError:
            raise CellError(f"'{text}' is not a time of day (HH:MM)") from None
    if kind == BOOL:
        word = text.lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"'{text}' is not true or false")
    if kind == CHOICE:
        if text not in column.choices:
            raise CellError(f"'{text}' is not one of {', '.join(column.choices)}")
        return text
    raise AssertionError(f"unknown column kind {kind}")


def parse_date(text: str) -> dt.date:
    """An ISO date YYYY-MM-DD; other spellings are refused, not guessed."""
    if not DATE_RE.match(text):
        raise CellError(f"'{text}' is not a date in the form YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CellError(f"'{text}' is not a valid date") from None


def format_decimal(value: Decimal) -> str:
    """`2` not `2.0000`, `0.25` not `0.2500`, never an exponent."""
    if value == 0:
        return "0"
    text = format(value.normalize(), "f")
    return text


def format_value(value: Any) -> str:
    """The one text form of a stored value, as read back by `parse_cell`."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M:%S" if value.second else "%H:%M")
    return str(value)
