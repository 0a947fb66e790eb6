"""Exchange rates from a CSV upload: every line checked, all or nothing, problems by line."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import IO

from flask_babel import lazy_gettext

from app.extensions import db
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.finance.exchange_rates import (
    MAX_IMPORT_BYTES,
    MAX_IMPORT_ROWS,
    CheckedRate,
    RateInput,
    check_rate,
    store_rate,
)


@dataclass(frozen=True, slots=True)
class ImportProblem:
    line: int  # 0: the file as a whole
    message: str
    column: str | None = None


@dataclass
class RateImport:
    stored: int = 0
    problems: list[ImportProblem] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


IMPORT_COLUMNS = ("date", "base", "quote", "rate", "source")
# The CSV column each field of ``RateInput`` comes from, to point a problem at its cell.
_COLUMN_OF_FIELD = {"rate_date": "date"} | {name: name for name in IMPORT_COLUMNS[1:]}


def _parse_date(raw: str) -> date | None:
    try:
        return date.fromisoformat((raw or "").strip())
    except ValueError:
        return None


def _refused(line: int, message: object, column: str | None = None) -> RateImport:
    return RateImport(problems=[ImportProblem(line, str(message), column)])


def import_rates(actor: Actor, upload: IO[bytes] | bytes, today: date) -> RateImport:
    """A CSV of daily rates (date,base,quote,rate,source): all rows stored, or none.

    Every row is checked first; one bad row and the report lists each problem by line
    (the file's own line numbers, header = 1) while nothing is written.
    """
    raw = upload if isinstance(upload, bytes) else upload.read(MAX_IMPORT_BYTES + 1)
    if len(raw) > MAX_IMPORT_BYTES:
        return _refused(
            0,
            lazy_gettext(
                "The file is larger than %(megabytes)d MB.",
                megabytes=MAX_IMPORT_BYTES // (1024 * 1024),
            ),
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _refused(0, lazy_gettext("The file is not UTF-8 text."))
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    except csv.Error:
        return _refused(1, lazy_gettext("The file is not readable as CSV."))
    missing = [column for column in IMPORT_COLUMNS if column not in header]
    if missing:
        return _refused(
            1,
            lazy_gettext(
                "The first line must name the columns date, base, quote, rate "
                "and source; missing: %(columns)s.",
                columns=", ".join(missing),
            ),
        )
    reader.fieldnames = header
    checked: dict[tuple[str, str, date], CheckedRate] = {}
    problems: list[ImportProblem] = []
    rows = 0
    try:
        for row in reader:
            # The physical line the record ended on: blank lines and quoted line breaks
            # would put a simple row count off.
            line = reader.line_num
            rows += 1
            if rows > MAX_IMPORT_ROWS:
                problems.append(
                    ImportProblem(
                        line,
                        str(
                            lazy_gettext("At most %(count)d rates per file.", count=MAX_IMPORT_ROWS)
                        ),
                    )
                )
                break
            raw_date = (row.get("date") or "").strip()
            rate_date = _parse_date(raw_date)
            if raw_date and rate_date is None:
                problems.append(
                    ImportProblem(line, str(lazy_gettext("Write the date as YYYY-MM-DD.")), "date")
                )
                continue
            data = RateInput(
                rate_date=rate_date,
                base=row.get("base") or "",
                quote=row.get("quote") or "",
                rate=row.get("rate") or "",
                source=row.get("source") or "",
            )
            try:
                rate = check_rate(data, today)
            except ValidationFailed as error:
                column = _COLUMN_OF_FIELD.get(error.field or "")
                problems.append(ImportProblem(line, str(error), column))
                continue
            key = (rate.base, rate.quote, rate.rate_date)
            if key in checked:
                problems.append(
                    ImportProblem(
                        line, str(lazy_gettext("This pair and date appear twice in the file."))
                    )
                )
                continue
            checked[key] = rate
    except csv.Error:
        problems.append(
            ImportProblem(reader.line_num, str(lazy_gettext("The file is not readable as CSV.")))
        )
    if problems:
        return RateImport(problems=problems)
    if not checked:
        return _refused(1, lazy_gettext("The file holds no rates."))
    for rate in checked.values():
        store_rate(actor, rate)
    db.session.flush()
    record_audit(
        actor,
        "exchange_rate.imported",
        object_type="exchange_rate",
        details={"rows": len(checked)},
    )
    return RateImport(stored=len(checked), problems=[])
