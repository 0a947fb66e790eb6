"""The e-invoice's one error, shared by the XML builder, the XSD check and the PDF embedding."""

from __future__ import annotations


class EInvoiceError(ValueError):
    """The snapshot cannot make a consistent e-invoice (e.g. totals that do not add up)."""


class EInvoiceNotExpressible(EInvoiceError):
    """A consistent invoice EN 16931 cannot carry: an amount in a 3- or 4-decimal currency
    with a digit past the second decimal, which the rules BR-DEC-* forbid (rounding it would
    make the XML disagree with the PDF). Such an invoice is issued without the XML."""
