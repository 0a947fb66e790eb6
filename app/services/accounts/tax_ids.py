"""Tax identifiers by country, validated before a company is registered.

China: the 18-character Unified Social Credit Code with its check character (stdnum).
Pakistan: the FBR National Tax Number, seven digits and a check digit (``1234567-8``) or
the 13-digit CNIC that individuals use as their NTN, and the optional 13-digit Sales Tax
Registration Number. FBR publishes no check-digit algorithm, so Pakistani numbers are
checked by form. Other countries: free text of reasonable length.
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from app.services.errors import ValidationFailed

_SEPARATORS = re.compile(r"[\s\-./]")
_FREE_TEXT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-./]{1,38}[A-Za-z0-9]$")


def tax_id_label(country: str) -> str:
    if country == "CN":
        return str(lazy_gettext("Unified Social Credit Code (USCC)"))
    if country == "PK":
        return str(lazy_gettext("National Tax Number (NTN)"))
    return str(lazy_gettext("Tax identification number"))


def normalize_tax_id(country: str, value: str) -> str:
    """The compact form of ``value`` for ``country``, or ``ValidationFailed``."""
    raw = (value or "").strip()
    if not raw:
        raise ValidationFailed(lazy_gettext("Enter the company's tax number."), "tax_id")
    if country == "CN":
        try:
            return str(uscc.validate(raw))
        except StdnumValidationError as exc:
            raise ValidationFailed(
                lazy_gettext(
                    "This is not a valid Unified Social Credit Code: 18 characters with a"
                    " correct check character."
                ),
                "tax_id",
            ) from exc
    if country == "PK":
        digits = _SEPARATORS.sub("", raw)
        if re.fullmatch(r"\d{8}", digits):
            return f"{digits[:7]}-{digits[7]}"
        if re.fullmatch(r"\d{13}", digits):
            return digits
        raise ValidationFailed(
            lazy_gettext(
                "This is not a valid NTN: seven digits and a check digit (1234567-8), or a"
                " 13-digit CNIC."
            ),
            "tax_id",
        )
    if not _FREE_TEXT.fullmatch(raw):
        raise ValidationFailed(
            lazy_gettext("Enter the tax number with letters, digits and separators only."),
            "tax_id",
        )
    return raw.upper()


def normalize_strn(value: str | None) -> str | None:
    """A Pakistani STRN as 13 digits, None when blank, or ``ValidationFailed``."""
    raw = (value or "").strip()
    if not raw:
        return None
    digits = _SEPARATORS.sub("", raw)
    if not re.fullmatch(r"\d{13}", digits):
        raise ValidationFailed(
            lazy_gettext("This is not a valid STRN: 13 digits."), "sales_tax_registration"
        )
    return digits
