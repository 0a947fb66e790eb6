"""Reading a listing sheet: the file's limits, its rows, its header, and the report of
everything wrong with it.

A CSV (UTF-8, comma or semicolon) or the first sheet of an XLSX becomes numbered rows
of cells; blank rows are skipped but keep their numbers, so every problem names the row
the seller sees in the spreadsheet.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from collections.abc import Generator, Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass

import openpyxl  # type: ignore[import-untyped]
from flask_babel import lazy_gettext

from app.services.errors import DomainError
from app.services.listings.import_cells import Message
from app.services.listings.import_layout import COLUMNS, HEADERS, OPTIONAL_HEADERS

MAX_FILE_BYTES = 5 * 1024 * 1024
# The import runs inside one web request, and the listing service writes about 100
# listings a second: 2,000 rows stay well within a worker's timeout.
MAX_ROWS = 2000
# Columns read per row; the layout has about 50, so anything past this is not ours.
MAX_COLUMNS = 100
MAX_REPORTED_ERRORS = 1000
# A 5 MB XLSX unpacking to more than this is a zip bomb, not a listing sheet.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class RowError:
    """One problem: the spreadsheet row (None for the whole file), its column and why."""

    row: int | None
    column: str | None
    message: Message


class ImportRejected(DomainError):
    """The file was not imported; ``errors`` lists its problems in row and column order.

    ``total`` counts them all; beyond ``MAX_REPORTED_ERRORS`` (a file of junk) the rest
    are counted, not listed, so the report page stays readable.
    """

    def __init__(self, errors: list[RowError], refusals: Sequence[DomainError] = ()) -> None:
        super().__init__(
            lazy_gettext(
                "Nothing was imported. Correct every problem listed and upload the file again."
            )
        )
        order = {column.header: index for index, column in enumerate(COLUMNS)}
        ordered = sorted(errors, key=lambda e: (e.row or 0, order.get(e.column or "", len(order))))
        self.errors = ordered[:MAX_REPORTED_ERRORS]
        self.total = len(ordered)
        # Refusals that must be audited (the licence gate's), once the import is undone.
        self.refusals = list(refusals)

    def record_refusal(self) -> None:
        """Audit the audited refusals among the rows (the web boundary calls this after
        rolling the import back, as for a single refused publication)."""
        for refusal in self.refusals:
            record = getattr(refusal, "record_refusal", None)
            if callable(record):
                record()


def file_error(message: Message) -> ImportRejected:
    return ImportRejected([RowError(None, None, message)])


def _csv_rows(data: bytes) -> Generator[Sequence[object], None, None]:
    not_utf8 = file_error(
        lazy_gettext(
            "The file is not UTF-8 text. In Excel, save it as “CSV UTF-8”, or upload the XLSX file."
        )
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_utf8 from None
    # UTF-16 ("Unicode text") decodes as UTF-8 full of NULs, which no database text takes.
    if "\x00" in text:
        raise not_utf8
    first_line = text.split("\n", 1)[0]
    # Excel saves CSV with semicolons where the decimal mark is a comma.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield cells[:MAX_COLUMNS]
    except csv.Error:
        raise file_error(lazy_gettext("The CSV file cannot be read: check its quotes.")) from None


def _xlsx_rows(data: bytes) -> Generator[Sequence[object], None, None]:
    unreadable = lazy_gettext("This is not an XLSX file Corridor can read.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise file_error(unreadable) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise file_error(lazy_gettext("The spreadsheet is too large. Split it into smaller files."))
    try:
        # openpyxl warns about Excel features it ignores (data validation, styles).
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # a damaged upload can fail anywhere inside openpyxl
        raise file_error(unreadable) from None
    try:
        yield from workbook.worksheets[0].iter_rows(
            min_row=1, max_col=MAX_COLUMNS, values_only=True
        )
    except Exception:  # a damaged sheet fails while it is read, not when opened
        raise file_error(unreadable) from None
    finally:
        workbook.close()


def blank(cells: Iterable[object]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(
    data: bytes, filename: str
) -> tuple[int, list[object], list[tuple[int, Sequence[object]]]]:
    """The header row's number and cells, and the non-blank rows below with their numbers."""
    if len(data) > MAX_FILE_BYTES:
        raise file_error(
            lazy_gettext(
                "The file is larger than %(megabytes)d MB. Split it into smaller files.",
                megabytes=MAX_FILE_BYTES // (1024 * 1024),
            )
        )
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in FORMATS:
        raise file_error(lazy_gettext("Upload a .csv or .xlsx file."))
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise file_error(lazy_gettext("The file is empty."))
    with closing(_xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)) as rows:
        return _split_table(rows)


def _split_table(
    rows: Generator[Sequence[object], None, None],
) -> tuple[int, list[object], list[tuple[int, Sequence[object]]]]:
    header: tuple[int, list[object]] | None = None
    body: list[tuple[int, Sequence[object]]] = []
    for number, cells in enumerate(rows, start=1):
        if blank(cells):
            continue
        if header is None:
            header = (number, list(cells))
        elif len(body) == MAX_ROWS:
            raise file_error(
                lazy_gettext("At most %(count)s listings per file.", count=f"{MAX_ROWS:,}")
            )
        else:
            body.append((number, cells))
    if header is None:
        raise file_error(lazy_gettext("The file is empty."))
    if not body:
        raise file_error(lazy_gettext("The file has no listings below the header row."))
    return header[0], header[1], body


def header_positions(row: int, cells: list[object]) -> dict[int, str]:
    """Cell index -> column header; every missing, unknown or repeated header is an error."""
    positions: dict[int, str] = {}
    errors: list[RowError] = []
    for index, cell in enumerate(cells):
        name = str(cell or "").strip().lstrip("\ufeff").lower()
        if not name:
            continue
        if name not in HEADERS:
            errors.append(
                RowError(
                    row, name[:60], lazy_gettext("Unknown column. Use the headers of the template.")
                )
            )
        elif name in positions.values():
            errors.append(RowError(row, name, lazy_gettext("This column appears twice.")))
        else:
            positions[index] = name
    if not positions:
        raise file_error(
            lazy_gettext("The first row must hold the column headers of the template.")
        )
    missing = set(HEADERS) - set(positions.values()) - OPTIONAL_HEADERS
    errors += [
        RowError(row, header, lazy_gettext("This column is missing. Start from the template."))
        for header in HEADERS
        if header in missing
    ]
    if errors:
        raise ImportRejected(errors)
    return positions
