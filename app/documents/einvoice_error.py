"""The e-invoice's one error, shared by the XML builder, the XSD check and the PDF embedding."""

from __future__ import annotations


class EInvoiceError(ValueError):
    """The snapshot cannot make a consistent e-invoice (e.g. totals that do not add up)."""
