"""Users' text where it is printed: no direction control reverses it (PDFs, e-mail, pages),
and no character prints as an empty box in a PDF (a fallback face, else its code point)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pikepdf
import pytest
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from markupsafe import Markup
from sqlalchemy import select

from app.documents.glyphs import covered, placeholder, printable
from app.documents.pdf import document_pdf
from app.documents.sample import sample_snapshot
from app.extensions import db
from app.models import DocumentKind, OutboxEmail
from app.reference.text import BIDI_CONTROLS, neutralise_bidi, neutralise_bidi_data
from tests.builders.orders import place_for
from tests.builders.trade import make_trade
from tests.factories import CompanyFactory, ProductFactory
from tests.support.pdfs import characters_without_glyph, pdf_text

RLO, PDF_ = "\u202e", "\u202c"
# Unicode 15 (2022): in none of the faces our documents draw from.
SHAKING_FACE = "\U0001fae8"


# The rule itself ------------------------------------------------------------------------


def test_every_direction_control_is_removed_and_right_to_left_script_kept() -> None:
    for control in BIDI_CONTROLS:
        assert neutralise_bidi(f"Mall Road {control}evil{PDF_}") == "Mall Road evil"
    urdu = "\u200fسیمپل کیمیکلز 12-B"
    assert neutralise_bidi(urdu) == "سیمپل کیمیکلز 12-B"
    plain = "12 Mall Road, Lahore"
    assert neutralise_bidi(plain) is plain
    marked = neutralise_bidi(Markup("<b>{}</b>").format(f"{RLO}evil"))
    assert isinstance(marked, Markup) and marked == Markup("<b>evil</b>")
    nested = neutralise_bidi_data({"a": [f"{RLO}x", 1, None], "b": (f"y{RLO}",)})
    assert nested == {"a": ["x", 1, None], "b": ("y",)}


def test_characters_no_face_draws_print_as_their_code_point() -> None:
    assert covered() is covered()  # read once per process
    assert printable("Explosives \u2713 Class 1.1D") == "Explosives \u2713 Class 1.1D"
    assert printable(f"Boom {SHAKING_FACE}!") == "Boom [U+1FAE8]!"
    assert placeholder("\x07") == "[U+0007]"
    # Line breaks stay (addresses print on lines); joiners and variation selectors print
    # nothing either way; direction controls go.
    assert printable(f"1 Road\nWah{RLO}") == "1 Road\nWah"
    assert printable("\u2714\ufe0f \u200d") == "\u2714\ufe0f \u200d"
    assert printable("上海五矿 سیمپل") == "上海五矿 سیمپل"


# PDFs -----------------------------------------------------------------------------------


def _hostile_snapshot() -> dict[str, Any]:
    snapshot = sample_snapshot(DocumentKind.COMMERCIAL_INVOICE)
    snapshot["seller"]["address"] = f"12 Mall Road {RLO}evil{PDF_}\nLahore"
    snapshot["buyer"]["legal_name"] = f"{RLO}Trading Honest{PDF_} Co."
    snapshot["lines"][0]["title"] = f"Explosives \U0001f4a5 \u2713 {SHAKING_FACE}"
    return snapshot


@pytest.fixture(scope="module")
def hostile_pdf(app: Flask) -> Iterator[bytes]:
    with app.app_context():
        yield document_pdf(_hostile_snapshot())


def test_an_override_in_an_address_cannot_reverse_the_printed_text(hostile_pdf: bytes) -> None:
    text = pdf_text(hostile_pdf)
    assert "12 Mall Road evil" in text and "Road live" not in text
    assert "Trading Honest Co." in text and "tsenoH" not in text
    assert RLO not in text
    # The Urdu name still prints, right to left by its own letters.
    assert "سیمپل کیمیکلز" in text


def test_emoji_and_symbols_print_with_a_glyph_or_as_their_code_point(hostile_pdf: bytes) -> None:
    assert characters_without_glyph(hostile_pdf) == set()
    text = pdf_text(hostile_pdf)
    assert "Explosives" in text
    for char in ("\U0001f4a5", "\u2713"):  # drawn by a fallback face, or named
        assert char in text or placeholder(char) in text
    assert "[U+1FAE8]" in text and SHAKING_FACE not in text


def test_the_embedded_invoice_xml_has_no_direction_controls(hostile_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(hostile_pdf)) as pdf:
        (attached,) = pdf.attachments.values()
        xml = attached.get_file().read_bytes().decode("utf-8")
    assert "12 Mall Road evil" in xml
    assert not any(control in xml for control in BIDI_CONTROLS)


# E-mail and pages -----------------------------------------------------------------------


@pytest.mark.usefixtures("exchange_rates")
def test_an_override_in_a_company_name_cannot_reverse_an_e_mail(app: Flask) -> None:
    with app.app_context():
        trade = make_trade()
        trade.buyer.legal_name = f"{RLO}Trading Honest{PDF_} Co."
        db.session.flush()
    place_for(app, trade.purchaser, [(trade.product, 200)])
    with app.app_context():
        (email,) = db.session.scalars(
            select(OutboxEmail).where(OutboxEmail.to_address == trade.sales.email)
        )
        assert "Trading Honest Co. placed order" in email.body_text
        assert "Trading Honest Co." in email.subject
        for field in (email.subject, email.body_text):
            assert not any(control in field for control in BIDI_CONTROLS)


def test_templates_print_users_text_without_direction_controls(
    app: Flask, client: FlaskClient
) -> None:
    with app.test_request_context():
        assert render_template_string("<p>{{ name }}</p>", name=f"{RLO}evil") == "<p>evil</p>"
        assert (
            render_template_string("{{ html }}", html=Markup("<b>{}</b>").format(f"{RLO}x"))
            == "<b>x</b>"
        )
        assert render_template_string("{{ n }}", n=7) == "7"
    product = ProductFactory(
        title=f"Emulsion {RLO}evil{PDF_} 32 mm",
        seller=CompanyFactory(legal_name=f"{RLO}Trading Honest{PDF_} Co."),
    )
    page = client.get(f"/products/{product.public_id}").get_data(as_text=True)
    assert "Emulsion evil 32 mm" in page and "Trading Honest Co." in page
    assert not any(control in page for control in BIDI_CONTROLS)
