"""One cell of a listing sheet: how it is read into a value, and how text is made safe.

Numbers are read as the seller typed them (a dot for decimals, no separators), and text a
spreadsheet would run as a formula is quoted on the way out and unquoted on the way in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from decimal import Decimal
from typing import TypeAlias

from flask_babel import LazyString, lazy_gettext

from app.models import ProductStatus
from app.services.listings.editing import parse_decimal

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
_NOT_A_WHOLE_NUMBER = lazy_gettext("This cell needs a whole number.")


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


def read_number(raw: object, not_a_number: Message = _NOT_A_NUMBER) -> Decimal | None:
    text = cell_text(raw)
    if not text:
        return None
    # parse_decimal drops commas, which would read a European "2,50" as 250.
    if "," in text:
        raise CellInvalid(
            lazy_gettext("Write numbers with a dot for decimals and no separators, e.g. 1250.50.")
        )
    try:
        value = parse_decimal(text)
    except ValueError:
        raise CellInvalid(not_a_number) from None
    if value is not None and value.adjusted() > 15:
        raise CellInvalid(lazy_gettext("This number is too large."))
    return None if value is None else trimmed(value)


def read_integer(raw: object) -> int | None:
    value = read_number(raw, _NOT_A_WHOLE_NUMBER)
    if value is None:
        return None
    if value != value.to_integral_value():
        raise CellInvalid(_NOT_A_WHOLE_NUMBER)
    return int(value)


def read_decimal(places: int) -> Callable[[object], Decimal | None]:
    """Weights in kg and sizes in cm, stored as g and mm: more decimals would be rounded."""

    def read(raw: object) -> Decimal | None:
        value = read_number(raw)
        exponent = value.as_tuple().exponent if value is not None else 0
        if isinstance(exponent, int) and exponent < -places:
            raise CellInvalid(lazy_gettext("At most %(digits)d decimals.", digits=places))
        return value

    return read


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
