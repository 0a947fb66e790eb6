"""Embedding the e-invoice in a WeasyPrint PDF/A-3b, as an incremental update that
leaves WeasyPrint's bytes as they are, and reading it back."""

from __future__ import annotations

import hashlib
import struct
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from app.documents.einvoice_error import EInvoiceError
from app.documents.einvoice_xmp import FILENAME, FX_NAMESPACE, factur_x_xmp, xmp_body
from app.documents.einvoice_xsd import check_xsd


def _copy(value: Any) -> DictionaryObject:
    return DictionaryObject(dict(value.get_object())) if value is not None else DictionaryObject()


def _size(trailer: DictionaryObject) -> int:
    size = trailer.get("/Size")
    if not isinstance(size, int):
        raise EInvoiceError("the PDF trailer has no /Size")
    return size


def _write_update(pdf: bytes, objects: dict[int, PdfObject], trailer: DictionaryObject) -> bytes:
    """``pdf`` plus an incremental update holding ``objects`` (number -> object) and a
    cross-reference stream (WeasyPrint writes one too), each ``obj`` and ``endobj``
    followed by an end-of-line as PDF/A asks."""
    tail = pdf.rfind(b"startxref")
    previous = int(pdf[tail + len(b"startxref") :].split()[0])
    output = BytesIO()
    output.write(pdf if pdf.endswith(b"\n") else pdf + b"\n")
    offsets: dict[int, int] = {}
    for number, obj in sorted(objects.items()):
        offsets[number] = output.tell()
        output.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(output)
        output.write(b"\nendobj\n")
    xref_number = max(_size(trailer), *(number + 1 for number in offsets))
    offsets[xref_number] = output.tell()
    index: list[int] = []
    for number in sorted(offsets):
        if index and index[-2] + index[-1] == number:
            index[-1] += 1
        else:
            index += [number, 1]
    xref = StreamObject()
    xref.set_data(b"".join(struct.pack(">BIH", 1, offsets[n], 0) for n in sorted(offsets)))
    xref.update(
        {
            NameObject("/Type"): NameObject("/XRef"),
            NameObject("/Size"): NumberObject(xref_number + 1),
            NameObject("/Index"): ArrayObject([NumberObject(n) for n in index]),
            NameObject("/W"): ArrayObject([NumberObject(1), NumberObject(4), NumberObject(2)]),
            NameObject("/Prev"): NumberObject(previous),
            **{
                NameObject(k): trailer.raw_get(k) for k in ("/Root", "/Info", "/ID") if k in trailer
            },
        }
    )
    output.write(f"{xref_number} 0 obj\n".encode())
    xref.write_to_stream(output)
    output.write(f"\nendobj\nstartxref\n{offsets[xref_number]}\n%%EOF\n".encode())
    return output.getvalue()


def attach_einvoice(pdf: bytes, xml: bytes) -> bytes:
    """``pdf`` (a WeasyPrint PDF/A-3b) with ``xml`` embedded as Factur-X EN 16931.

    The XML is checked against the Factur-X EN 16931 XSD first. It is appended as an
    incremental update, so WeasyPrint's bytes stay as they are: ``factur-x.xml``
    (``text/xml``, /AFRelationship /Alternative, listed in the catalog's /AF and
    /EmbeddedFiles), a new XMP packet that keeps WeasyPrint's (pdfaid part 3,
    conformance B, title ...) and adds the Factur-X extension schema and fx: properties,
    and the same modification date in the Info dictionary and the XMP.
    """
    check_xsd(xml)
    reader = PdfReader(BytesIO(pdf))
    trailer = reader.trailer
    root_ref, info_ref = trailer.raw_get("/Root"), trailer.raw_get("/Info")
    catalog = _copy(root_ref)
    metadata_ref = catalog.raw_get("/Metadata") if "/Metadata" in catalog else None
    if not isinstance(metadata_ref, IndirectObject) or not isinstance(info_ref, IndirectObject):
        raise EInvoiceError("the PDF has no XMP metadata or Info: render it as pdf/a-3b")
    old_xmp = metadata_ref.get_object()
    assert isinstance(old_xmp, StreamObject)
    if b"pdfaid" not in old_xmp.get_data():
        raise EInvoiceError("the PDF is not PDF/A: render it as pdf/a-3b")
    if FX_NAMESPACE.encode() in old_xmp.get_data():
        raise EInvoiceError("the PDF has an e-invoice already")

    size = _size(trailer)
    embedded_number, filespec_number = size, size + 1
    embedded_ref = IndirectObject(embedded_number, 0, reader)
    filespec_ref = IndirectObject(filespec_number, 0, reader)

    now = datetime.now(UTC).replace(microsecond=0)
    pdf_date = TextStringObject(now.strftime("D:%Y%m%d%H%M%SZ"))
    plain = DecodedStreamObject()
    plain.set_data(xml)
    embedded = plain.flate_encode()
    embedded.update(
        {
            NameObject("/Type"): NameObject("/EmbeddedFile"),
            NameObject("/Subtype"): NameObject("/text/xml"),
            NameObject("/Params"): DictionaryObject(
                {
                    NameObject("/Size"): NumberObject(len(xml)),
                    NameObject("/ModDate"): pdf_date,
                    NameObject("/CheckSum"): ByteStringObject(
                        hashlib.md5(xml, usedforsecurity=False).digest()
                    ),
                }
            ),
        }
    )
    name = TextStringObject(FILENAME)
    filespec = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Filespec"),
            NameObject("/F"): name,
            NameObject("/UF"): name,
            NameObject("/Desc"): TextStringObject("Factur-X invoice XML (EN 16931)"),
            NameObject("/AFRelationship"): NameObject("/Alternative"),
            NameObject("/EF"): DictionaryObject(
                {NameObject("/F"): embedded_ref, NameObject("/UF"): embedded_ref}
            ),
        }
    )

    names = _copy(catalog.get("/Names"))
    existing = names.get("/EmbeddedFiles")
    entries: list[Any] = list(existing.get_object().get("/Names", [])) if existing else []
    pairs = [
        (entries[i], entries[i + 1])
        for i in range(0, len(entries) - 1, 2)
        if str(entries[i]) != FILENAME
    ]
    pairs.append((name, filespec_ref))
    pairs.sort(key=lambda pair: str(pair[0]))
    names[NameObject("/EmbeddedFiles")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([item for pair in pairs for item in pair])}
    )
    catalog[NameObject("/Names")] = names
    associated = catalog.get("/AF")
    catalog[NameObject("/AF")] = ArrayObject(
        [*(associated.get_object() if associated is not None else []), filespec_ref]
    )

    xmp = DecodedStreamObject()
    xmp.set_data(factur_x_xmp(xmp_body(old_xmp.get_data()), now))
    xmp.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    # PDF/A asks the Info dictionary and the XMP to agree: both get this modification date.
    info = _copy(info_ref)
    info[NameObject("/ModDate")] = pdf_date

    return _write_update(
        pdf,
        {
            root_ref.idnum: catalog,
            info_ref.idnum: info,
            metadata_ref.idnum: xmp,
            embedded_number: embedded,
            filespec_number: filespec,
        },
        trailer,
    )


def einvoice_from_pdf(pdf: bytes) -> bytes | None:
    """The ``factur-x.xml`` embedded in ``pdf``, or None when it has none."""
    contents = PdfReader(BytesIO(pdf)).attachments.get(FILENAME)
    return bytes(contents[0]) if contents else None
