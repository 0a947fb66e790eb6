"""The XMP metadata of a Factur-X PDF/A-3: WeasyPrint's packet plus the Factur-X
extension schema and its fx: properties, which name the embedded XML."""

from __future__ import annotations

from datetime import datetime

from lxml import etree  # type: ignore[import-untyped]

from app.documents.einvoice_error import EInvoiceError

# The name Factur-X gives the embedded XML; the fx:DocumentFileName property repeats it.
FILENAME = "factur-x.xml"
FX_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
XMP_NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaExtension": "http://www.aiim.org/pdfa/ns/extension/",
    "pdfaSchema": "http://www.aiim.org/pdfa/ns/schema#",
    "pdfaProperty": "http://www.aiim.org/pdfa/ns/property#",
    "fx": FX_NAMESPACE,
}
FX_PROPERTIES = {
    "DocumentFileName": ("The name of the embedded XML document", FILENAME),
    "DocumentType": ("The type of the hybrid document in capital letters", "INVOICE"),
    "Version": ("The actual version of the standard applying to the embedded XML", "1.0"),
    "ConformanceLevel": ("The conformance level of the embedded XML document", "EN 16931"),
}


def _x(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{XMP_NS[prefix]}}}{local}"


def factur_x_xmp(existing: bytes, modified: datetime) -> bytes:
    """WeasyPrint's XMP packet plus the Factur-X extension schema, its fx: properties and
    the modification date (which must equal the Info dictionary's /ModDate)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=True)
    root = etree.fromstring(existing, parser)
    rdf = root if root.tag == _x("rdf:RDF") else root.find(_x("rdf:RDF"))
    if rdf is None:
        raise EInvoiceError("the PDF's XMP metadata has no rdf:RDF")
    for existing_description in rdf.findall(_x("rdf:Description")):
        existing_description.attrib.pop(_x("xmp:ModifyDate"), None)
        for element in existing_description.findall(_x("xmp:ModifyDate")):
            existing_description.remove(element)
        if not len(existing_description) and set(existing_description.attrib) <= {_x("rdf:about")}:
            rdf.remove(existing_description)

    def description(*prefixes: str) -> etree._Element:
        nsmap = {prefix: XMP_NS[prefix] for prefix in prefixes}
        return etree.SubElement(rdf, _x("rdf:Description"), {_x("rdf:about"): ""}, nsmap=nsmap)

    resource = {_x("rdf:parseType"): "Resource"}
    extension = description("pdfaExtension", "pdfaSchema", "pdfaProperty")
    bag = etree.SubElement(etree.SubElement(extension, _x("pdfaExtension:schemas")), _x("rdf:Bag"))
    schema = etree.SubElement(bag, _x("rdf:li"), resource)
    for name, value in (
        ("schema", "Factur-X PDFA Extension Schema"),
        ("namespaceURI", FX_NAMESPACE),
        ("prefix", "fx"),
    ):
        etree.SubElement(schema, _x(f"pdfaSchema:{name}")).text = value
    sequence = etree.SubElement(etree.SubElement(schema, _x("pdfaSchema:property")), _x("rdf:Seq"))
    for name, (text, _) in FX_PROPERTIES.items():
        item = etree.SubElement(sequence, _x("rdf:li"), resource)
        for key, value in (
            ("name", name),
            ("valueType", "Text"),
            ("category", "external"),
            ("description", text),
        ):
            etree.SubElement(item, _x(f"pdfaProperty:{key}")).text = value
    factur_x = description("fx")
    for name, (_, value) in FX_PROPERTIES.items():
        etree.SubElement(factur_x, _x(f"fx:{name}")).text = value
    dates = description("xmp")
    etree.SubElement(dates, _x("xmp:ModifyDate")).text = modified.strftime("%Y-%m-%dT%H:%M:%SZ")

    if root.tag != _x("x:xmpmeta"):
        meta = etree.Element(_x("x:xmpmeta"), nsmap={"x": XMP_NS["x"]})
        meta.append(root)
        root = meta
    body = etree.tostring(root, encoding="UTF-8")
    return b"".join(
        [
            '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'.encode(),
            body,
            b'\n<?xpacket end="r"?>',
        ]
    )


def xmp_body(packet: bytes) -> bytes:
    """The XML inside an XMP packet (between the xpacket processing instructions)."""
    start = packet.find(b"<x:xmpmeta")
    if start < 0:
        start = packet.find(b"<rdf:RDF")
    end = packet.rfind(b"<?xpacket end")
    if start < 0:
        raise EInvoiceError("the PDF has no XMP metadata")
    return packet[start : end if end > start else len(packet)]
