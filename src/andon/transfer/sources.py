"""Reading and writing the containers: a folder of CSV files, a .zip of them, an .xlsx workbook.

Whatever the container, an import sees the same thing: a list of `RawTable`s (a file name, its
header and its rows of text cells, with the spreadsheet row number of each). Problems that stop a
file from being read at all (not UTF-8, empty, not a known file) are reported here, located, so
that the validator never sees half a file.
"""

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import Any

from andon.core.errors import Problem
from andon.transfer.formats import format_decimal, format_value
from andon.transfer.specs import BY_NAME

MAX_UPLOAD_FILES = 100


@dataclass
class RawTable:
    """One file as read: a header and rows of stripped text cells.

    `rows` holds (row number as a spreadsheet shows it, cells); the header is row 1.
    """

    name: str
    filename: str
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


@dataclass
class ReadResult:
    tables: list[RawTable]
    problems: list[Problem]


def _known(stem: str, filename: str, problems: list[Problem]) -> bool:
    if stem in BY_NAME:
        return True
    problems.append(
        Problem(
            message=f"unknown file '{filename}'; expected one of "
            + ", ".join(f"{name}.csv" for name in BY_NAME),
            file=filename,
        )
    )
    return False


def _table_from_rows(name: str, filename: str, rows: Iterable[list[str]]) -> RawTable | Problem:
    table = RawTable(name=name, filename=filename)
    for number, cells in enumerate(rows, start=1):
        stripped = [c.strip() for c in cells]
        if not any(stripped):
            continue
        if not table.header:
            table.header = [c.lower() for c in stripped]
            continue
        table.rows.append((number, stripped))
    if not table.header:
        return Problem(message="the file is empty: it needs at least a header row", file=filename)
    return table


def read_csv_bytes(filename: str, data: bytes, problems: list[Problem]) -> RawTable | None:
    """One CSV file; UTF-8 (with or without a byte-order mark), comma-separated."""
    name = PurePosixPath(filename).name
    stem = name[:-4] if name.lower().endswith(".csv") else name
    if not _known(stem, name, problems):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(
                message=f"the file is not UTF-8 text (byte 0x{data[exc.start]:02x}); "
                "save it as 'CSV UTF-8'",
                file=name,
                row=line,
            )
        )
        return None
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problems.append(Problem(message=f"the file is not valid CSV: {exc}", file=name))
        return None
    result = _table_from_rows(stem, name, rows)
    if isinstance(result, Problem):
        problems.append(result)
        return None
    return result


def _cell_text(value: Any) -> str:
    """A workbook cell as the text a CSV would hold (Excel turns our text back into numbers)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return format_decimal(Decimal(repr(value)))
    if isinstance(value, dt.datetime) and value.time() != dt.time(0):
        return value.isoformat(sep=" ")
    return format_value(value)


def read_xlsx_bytes(filename: str, data: bytes, problems: list[Problem]) -> list[RawTable]:
    """Every sheet of a workbook; a sheet is named like the CSV file without `.csv`."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged or foreign file
        problems.append(Problem(message=f"not a readable .xlsx workbook ({exc})", file=filename))
        return []
    tables: list[RawTable] = []
    try:
        for sheet in book.worksheets:
            label = f"{filename}:{sheet.title}"
            if not _known(sheet.title.strip().lower(), label, problems):
                continue
            rows = ([_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True))
            result = _table_from_rows(sheet.title.strip().lower(), label, rows)
            if isinstance(result, Problem):
                problems.append(result)
            else:
                tables.append(result)
    finally:
        book.close()
    return tables


def read_zip_bytes(filename: str, data: bytes, problems: list[Problem]) -> list[RawTable]:
    """The CSV files of a .zip, wherever they sit inside it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        problems.append(Problem(message="not a readable .zip archive", file=filename))
        return []
    tables = []
    with archive:
        for info in archive.infolist():
            path = PurePosixPath(info.filename)
            if info.is_dir() or path.name.startswith(".") or "__MACOSX" in path.parts:
                continue
            table = read_csv_bytes(path.name, archive.read(info), problems)
            if table is not None:
                tables.append(table)
    return tables


def read_upload(filename: str, data: bytes, problems: list[Problem]) -> list[RawTable]:
    """Dispatch on the extension of an uploaded or given file."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return read_xlsx_bytes(filename, data, problems)
    if lower.endswith(".zip"):
        return read_zip_bytes(filename, data, problems)
    table = read_csv_bytes(filename, data, problems)
    return [table] if table is not None else []


def read_path(path: Path) -> ReadResult:
    """A folder of CSV files (other files in it are ignored), an .xlsx, a .zip or one .csv."""
    problems: list[Problem] = []
    tables: list[RawTable] = []
    if path.is_dir():
        for child in sorted(path.iterdir()):
            if child.is_file() and child.suffix.lower() == ".csv":
                table = read_csv_bytes(child.name, child.read_bytes(), problems)
                if table is not None:
                    tables.append(table)
        if not tables and not problems:
            problems.append(Problem(message="the folder holds no .csv files", file=str(path)))
    elif path.is_file():
        tables = read_upload(path.name, path.read_bytes(), problems)
    else:
        problems.append(Problem(message="no such file or folder", file=str(path)))
    return ReadResult(tables=_no_duplicates(tables, problems), problems=problems)


def read_uploads(files: Iterable[tuple[str, bytes]]) -> ReadResult:
    """Uploaded files: one .xlsx, one .zip, or several .csv files."""
    problems: list[Problem] = []
    tables: list[RawTable] = []
    for name, data in files:
        tables.extend(read_upload(name, data, problems))
    if not tables and not problems:
        problems.append(Problem(message="no file was uploaded"))
    return ReadResult(tables=_no_duplicates(tables, problems), problems=problems)


def _no_duplicates(tables: list[RawTable], problems: list[Problem]) -> list[RawTable]:
    seen: dict[str, RawTable] = {}
    for table in tables:
        if table.name in seen:
            problems.append(
                Problem(
                    message=f"{table.name} is given twice (also as {seen[table.name].filename})",
                    file=table.filename,
                )
            )
        seen[table.name] = table
    return list(seen.values())


# Writing ---------------------------------------------------------------------------------------

Tables = list[tuple[str, list[str], list[list[str]]]]


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8, comma-separated, header first, `\\n` line ends: the same bytes on every machine."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def write_folder(path: Path, tables: Tables) -> list[Path]:
    path.mkdir(parents=True, exist_ok=True)
    written = []
    for name, header, rows in tables:
        target = path / f"{name}.csv"
        target.write_bytes(csv_bytes(header, rows))
        written.append(target)
    return written


def zip_bytes(tables: Tables) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, header, rows in tables:
            archive.writestr(f"{name}.csv", csv_bytes(header, rows))
    return buffer.getvalue()


def xlsx_bytes(tables: Tables) -> bytes:
    """One sheet per file; cells are text so that codes like `007` and `12345` survive Excel."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    def cell(value: object) -> object:
        # A worksheet cannot hold control characters; a record that has one (entered before
        # input refused them) still exports, without it, rather than failing the whole export.
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    book = openpyxl.Workbook(write_only=True)
    for name, header, rows in tables:
        sheet = book.create_sheet(title=name)
        sheet.append(header)
        for row in rows:
            sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
