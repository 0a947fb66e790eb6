"""One cell of a listing sheet: how it is read into a value, and how text is made safe.

Numbers are read as the seller typed them, by the one rule of ``app.numbers`` (a point for
decimals, commas only between groups of three digits, the digits 0 to 9), and text a
spreadsheet would run as a formula is quoted on the way out and unquoted on the way in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import TypeAlias

from flask_babel import LazyString, lazy_gettext

from app.models import ProductStatus
from app.models.base import QUANTITY_PLACES
from app.numbers import NumberProblem, parse_decimal
from app.reference.units import MAX_QUANTITY

Message: TypeAlias = LazyString | str
Cell: TypeAlias = str | int | Decimal | None


class CellInvalid(ValueError):
    """A cell that cannot be read; ``message`` says why, in the seller's language."""

    def __init__(self, message: Message) -> None:
        super().__init__(str(message))
        self.message = message


# --- formula injection ---------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Quote text a spreadsheet would run as a formula; ``restore`` undoes it exactly.

    Text that already starts with a quote before such a character is quoted too, so
    restoring never eats a quote the seller typed.
    """
    if text.startswith(_FORMULA_STARTS) or (
        text[:1] == "'" and text[1:2] in ("'", *_FORMULA_STARTS)
    ):
        return "'" + text
    return text


def restore(text: str) -> str:
    if text[:1] == "'" and text[1:2] in ("'", *_FORMULA_STARTS):
        return text[1:]
    return text


# --- reading cells -------------------------------------------------------------------


_NOT_A_NUMBER = lazy_gettext("This cell needs a number.")


def _float_text(value: float) -> str:
    # Spreadsheets hold binary floats; Excel shows 15 significant digits, which is what
    # the seller typed. Digits beyond are binary noise (2.2 stored as 2.2000000000000002).
    if value != value or value in (float("inf"), float("-inf")):
        raise CellInvalid(_NOT_A_NUMBER)
    return format(Decimal(format(value, ".15g")), "f")


def cell_text(raw: object) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "yes" if raw else "no"
    if isinstance(raw, float):
        return _float_text(raw)
    if isinstance(raw, Decimal):
        return format(raw, "f")
    if isinstance(raw, date | time):
        raise CellInvalid(lazy_gettext("The spreadsheet turned this cell into a date."))
    # XLSX keeps line breaks as "\n" whatever was typed; reading every file that way lets
    # a description entered in a browser ("\r\n") come back from Excel unchanged.
    return restore(str(raw)).replace("\r\n", "\n").replace("\r", "\n").strip()


def trimmed(value: Decimal) -> Decimal:
    """2.50 -> 2.5 and 1500.0 -> 1500: the same amount, without zeros a check would count."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def read_decimal(places: int, maximum: Decimal | int) -> Callable[[object], Decimal | None]:
    """A number cell read by the rule the form and the listing checks share
    (``app.numbers``): weights in kg and sizes in cm are stored as g and mm, so more
    decimals would be rounded away."""

    def read(raw: object) -> Decimal | None:
        text = cell_text(raw)
        if not text:
            return None
        try:
            value = parse_decimal(text, places=places, maximum=maximum)
        except NumberProblem as problem:
            raise CellInvalid(problem.message) from None
        return trimmed(value)

    return read


def read_count(raw: object) -> int | None:
    """A whole number cell (units per package, a count of days), as the form reads it."""
    value = read_decimal(0, MAX_QUANTITY)(raw)
    return None if value is None else int(value)


def read_quantity(raw: object) -> Decimal | None:
    """A quantity cell (MOQ, stock, a tier's start), exactly as typed: 12.345 stays 12.345.

    Read with room beyond the finest unit, so that 12.5 pieces or 1.2345 t reach the
    listing checks, which refuse them with the unit's rule (a cell alone has no unit).
    """
    return read_decimal(QUANTITY_PLACES + 6, MAX_QUANTITY)(raw)


def read_yes_no(raw: object) -> bool:
    text = cell_text(raw).lower()
    if text in ("yes", "y", "true", "1"):
        return True
    if text in ("no", "n", "false", "0", ""):
        return False
    raise CellInvalid(lazy_gettext("Write yes or no."))


def read_status(raw: object) -> ProductStatus | None:
    text = cell_text(raw).lower()
    if not text:
        return None
    try:
        return ProductStatus(text)
    except ValueError:
        raise CellInvalid(lazy_gettext("The status is draft, published or archived.")) from None


def read_specifications(raw: object) -> list[tuple[str, str]]:
    """``name=value; name=value``; a backslash escapes ``\\``, ``;`` and ``=``."""
    pairs: list[tuple[str, str]] = []
    name: str | None = None
    buffer: list[str] = []

    def close() -> None:
        value = "".join(buffer).strip()
        pair = (value, "") if name is None else (name, value)
        if pair != ("", ""):
            pairs.append(pair)

    characters = iter(cell_text(raw))
    for character in characters:
        if character == "\\":
            following = next(characters, "")
            buffer.append(following if following in ("\\", ";", "=") else character + following)
        elif character == ";":
            close()
            name, buffer = None, []
        elif character == "=" and name is None:
            name, buffer = "".join(buffer).strip(), []
        else:
            buffer.append(character)
    close()
    return pairs


NAME_SPECIAL = "\\;="
VALUE_SPECIAL = "\\;"


def escaped(text: str, special: str) -> str:
    return "".join("\\" + c if c in special else c for c in text)
