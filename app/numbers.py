"""The one reader of numbers people type: forms, CSV/XLSX imports, the API, filters.

One rule on every path, so a value the form accepts the API accepts too, and the other way
round:

- the digits 0-9 only: other scripts' digits (Arabic-Indic, Persian, full-width forms)
  are refused with a message that says so, never silently converted;
- an optional point and decimals; thousands grouped by commas only in the full pattern
  ``1,234,567.89`` (``1,5`` is refused: in much of the world it means one and a half);
- a minus sign only where the caller allows negatives; never a plus sign, an exponent
  (``1e3``), ``NaN``, ``Infinity`` or white space inside;
- no more decimals than the caller's unit or currency has, and within the caller's range
  (which the column's range bounds).

Errors are ``NumberProblem``s carrying a translated message; the caller names the field (or
the line of an import) they belong to.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

from flask_babel import LazyString, lazy_gettext

# re.ASCII: \d is 0-9 only, not every script's decimal digits.
_PLAIN = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?", re.ASCII)
# Longer than any column holds (19 digits of BIGINT plus decimals and separators): refused
# before Decimal sees it, so a 10,000-character string costs nothing.
MAX_LENGTH = 40
# The largest BIGINT: what an integer column (minor units, grams, quantities) can store.
BIGINT_MAX = 2**63 - 1


class NumberProblem(ValueError):
    """Why a typed value is not a number we accept; ``message`` is for the person."""

    def __init__(self, message: LazyString | str) -> None:
        super().__init__(str(message))
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


def _has_foreign_digits(text: str) -> bool:
    return any(not ("0" <= char <= "9") and unicodedata.category(char) == "Nd" for char in text)


def _exponent(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)  # only NaN and Infinity have a letter here
    return exponent


def parse_decimal(
    raw: object,
    *,
    places: int,
    minimum: Decimal | int | None = 0,
    maximum: Decimal | int | None = None,
) -> Decimal:
    """The exact value of ``raw`` (a string, or an int/Decimal already parsed), or
    ``NumberProblem``.

    ``places`` is the most decimals allowed (0 for whole units, 2 for USD, 3 for tonnes to
    the kilogram); ``minimum`` (default 0: no negatives) and ``maximum`` bound the value.
    """
    if isinstance(raw, bool | float):
        # Floats lose cents; booleans are not amounts: only text, int and Decimal come here.
        raise TypeError(f"cannot read a number from {type(raw).__name__}")
    if isinstance(raw, int):
        # Checked before str(): a huge int costs time to print (and Python refuses past
        # 4,300 digits).
        if abs(raw) >= 10**MAX_LENGTH:
            raise NumberProblem(lazy_gettext("This number is too long."))
        text = str(raw)
    elif isinstance(raw, Decimal):
        # Written out in full: str() gives 1E+3 for a thousand, which the pattern refuses.
        # Checked first, as 1E+999999999 written out would take a gigabyte.
        if raw.is_finite() and (raw.adjusted() >= MAX_LENGTH or _exponent(raw) < -MAX_LENGTH):
            raise NumberProblem(lazy_gettext("This number is too long."))
        text = format(raw, "f") if raw.is_finite() else str(raw)
    elif isinstance(raw, str):
        text = raw.strip()
    else:
        raise NumberProblem(lazy_gettext("Enter a number."))
    if not text:
        raise NumberProblem(lazy_gettext("Enter a number."))
    if len(text) > MAX_LENGTH:
        raise NumberProblem(lazy_gettext("This number is too long."))
    if _has_foreign_digits(text):
        raise NumberProblem(
            lazy_gettext("Write the number with the digits 0 to 9 (for example 1250.50).")
        )
    if not _PLAIN.fullmatch(text):
        raise NumberProblem(
            lazy_gettext(
                "Write a plain number, with a point for decimals (for example 1250.50):"
                " no letters, exponents or plus signs."
            )
        )
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:  # the pattern admits nothing Decimal refuses; kept for safety
        raise NumberProblem(lazy_gettext("Enter a number.")) from None
    exponent = _exponent(value)  # finite: the pattern admits no NaN or Infinity
    if value == 0:
        value = Decimal(0).scaleb(exponent)  # "-0" is zero, unsigned
    if -exponent > places:
        if places == 0:
            raise NumberProblem(lazy_gettext("Enter a whole number."))
        raise NumberProblem(lazy_gettext("Use at most %(places)d decimals.", places=places))
    if minimum is not None and value < minimum:
        if minimum == 0:
            raise NumberProblem(lazy_gettext("The number cannot be negative."))
        raise NumberProblem(lazy_gettext("Enter at least %(minimum)s.", minimum=minimum))
    if maximum is not None and value > maximum:
        raise NumberProblem(lazy_gettext("Enter at most %(maximum)s.", maximum=maximum))
    return value


def parse_whole(raw: object, *, minimum: int | None = 0, maximum: int | None = BIGINT_MAX) -> int:
    """A whole number (a count, a page, a quantity of pieces), by the same rule."""
    return int(parse_decimal(raw, places=0, minimum=minimum, maximum=maximum))


def decimal_places(value: Decimal) -> int:
    """Significant decimal places: 2.500 has 1, 1500.0 has 0."""
    exponent = value.normalize().as_tuple().exponent
    return max(-exponent, 0) if isinstance(exponent, int) else 0
