"""Uploaded PDFs (transfer proofs now, trade documents later) go through
``app.services.uploads.safe_pdf``: active content is removed before anything is stored,
encrypted and unreadable files are refused with a message, a clean file is kept as sent."""

from __future__ import annotations

import hashlib
import io

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.models import OrderStatus, PaymentMilestone, PaymentProof
from app.services.audit.recording import Actor
from app.services.errors import ValidationFailed
from app.services.files import read_stored
from app.services.payments import milestones as payments
from app.services.uploads import ENCRYPTED, UNREADABLE, find_active_content, safe_pdf
from tests.builders.orders import order_in
from tests.builders.trade import Trade, make_trade
from tests.support.auth import AuthActions
from tests.support.pdfs import hostile_pdfs, link, pdf_text, save, text_pdf

pytestmark = pytest.mark.usefixtures("exchange_rates")

HOSTILE = hostile_pdfs()
# Names that must not survive in a stored file, in its bytes or in any of its objects.
ACTIVE_NAMES = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/SubmitForm", b"/XFA")


@pytest.fixture
def trade() -> Trade:
    return make_trade()


@pytest.fixture
def deposit(app: Flask, trade: Trade) -> PaymentMilestone:
    order = order_in(
        app, trade, OrderStatus.ACCEPTED, quantity=333, payment_terms="deposit_30_balance_70_bl"
    )
    milestone: PaymentMilestone = order.milestones[0]
    return milestone


def _upload(app: Flask, trade: Trade, deposit: PaymentMilestone, data: bytes) -> bytes:
    with app.test_request_context():
        proof = payments.upload_proof(Actor(trade.purchaser), deposit, data)
        kept = _kept(proof)
    assert proof.content_type == "application/pdf"
    assert proof.sha256 == hashlib.sha256(kept).hexdigest()
    assert proof.byte_size == len(kept)
    return kept


def _kept(proof: PaymentProof) -> bytes:
    """The proof's bytes as stored: in the file storage (a proof has no bytes of its own)."""
    assert proof.content is None and proof.stored_file is not None
    return read_stored(proof.stored_file)


def _assert_inert(stored: bytes) -> None:
    for name in ACTIVE_NAMES:
        assert name not in stored, name
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        assert find_active_content(pdf) == []
        root = pdf.Root
        assert "/OpenAction" not in root and "/AA" not in root
        names = root.get("/Names", pikepdf.Dictionary())
        assert "/JavaScript" not in names and "/EmbeddedFiles" not in names
        assert len(pdf.attachments) == 0
        assert "/XFA" not in root.get("/AcroForm", pikepdf.Dictionary())
        for page in pdf.pages:
            assert "/AA" not in page.obj
            for annotation in page.obj.get("/Annots", pikepdf.Array()):
                action = annotation.get("/A")
                assert action is None or action.get("/S") not in (
                    pikepdf.Name.JavaScript,
                    pikepdf.Name.Launch,
                    pikepdf.Name.SubmitForm,
                )
    assert "Transfer of USD 12,500.00" in pdf_text(stored)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_active_content_is_removed_before_a_proof_is_stored(
    app: Flask, trade: Trade, deposit: PaymentMilestone, case: str
) -> None:
    uploaded = HOSTILE[case]
    with pikepdf.open(io.BytesIO(uploaded)) as pdf:
        assert find_active_content(pdf) != []  # the file really is hostile
    stored = _upload(app, trade, deposit, uploaded)
    assert stored != uploaded
    _assert_inert(stored)
    (proof,) = deposit.proofs
    assert proof.sha256 == hashlib.sha256(stored).hexdigest()  # of the cleaned file


def test_the_page_and_its_web_links_stay_when_a_launch_link_goes(app: Flask) -> None:
    pdf = text_pdf()
    web = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("https://bank.example/"))
    smuggled = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=pikepdf.String("file:///C:/x.exe"))
    launch = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array([link(pdf, web, 50), link(pdf, smuggled, 100), link(pdf, launch, 150)])
    )
    with app.test_request_context():
        stored = safe_pdf(save(pdf))
    with pikepdf.open(io.BytesIO(stored)) as cleaned:
        actions = [annot.get("/A") for annot in cleaned.pages[0].obj.Annots]
        assert [str(action.URI) for action in actions if action is not None] == [
            "https://bank.example/"
        ]
        assert len(actions) == 3  # the links stay as rectangles, without their actions


def test_a_clean_pdf_is_stored_exactly_as_sent(
    app: Flask, trade: Trade, deposit: PaymentMilestone
) -> None:
    pdf = text_pdf(pages=2)
    # A destination to open at is navigation, not active content.
    pdf.Root.OpenAction = pikepdf.Array([pdf.pages[0].obj, pikepdf.Name.Fit])
    uploaded = save(pdf)
    stored = _upload(app, trade, deposit, uploaded)
    assert stored == uploaded  # byte for byte: a bank's signature on it stays valid
    assert pdf_text(stored) == pdf_text(uploaded)


def test_a_proof_upload_through_the_page_is_cleaned(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, deposit: PaymentMilestone
) -> None:
    auth.login(trade.purchaser.email)
    response = client.post(
        f"/payments/milestones/{deposit.public_id}/proofs",
        data={
            "proof": (io.BytesIO(HOSTILE["open_action_javascript"]), "slip.pdf"),
            "next": f"/buyer/orders/{deposit.order.public_id}",
        },
    )
    assert response.status_code == 302
    (proof,) = deposit.proofs
    with app.app_context():
        kept = _kept(proof)
    _assert_inert(kept)
    download = client.get(f"/payments/proofs/{proof.public_id}")
    assert download.status_code == 200 and download.data == kept


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("owner_password", ENCRYPTED),
        ("user_password", ENCRYPTED),
        ("no_pages", None),
        ("too_many_pages", None),
        ("garbage", UNREADABLE),
    ],
)
def test_encrypted_broken_and_oversized_pdfs_are_refused_with_a_message(
    app: Flask, trade: Trade, deposit: PaymentMilestone, case: str, message: object
) -> None:
    uploads = {
        "owner_password": save(text_pdf(), encryption=pikepdf.Encryption(owner="bank", user="")),
        "user_password": save(text_pdf(), encryption=pikepdf.Encryption(owner="o", user="u")),
        "no_pages": save(pikepdf.new()),
        "too_many_pages": save(text_pdf(pages=21)),
        "garbage": b"%PDF-1.7\n" + bytes(range(256)) * 20,
    }
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        payments.upload_proof(Actor(trade.purchaser), deposit, uploads[case])
    assert refused.value.field == "proof"
    if message is not None:
        with app.test_request_context():
            assert str(refused.value) == str(message)
    assert deposit.proofs == []


def test_an_encrypted_pdf_through_the_page_is_refused_not_a_server_error(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade, deposit: PaymentMilestone
) -> None:
    auth.login(trade.purchaser.email)
    encrypted = save(text_pdf(), encryption=pikepdf.Encryption(owner="o", user="secret"))
    response = client.post(
        f"/payments/milestones/{deposit.public_id}/proofs",
        data={"proof": (io.BytesIO(encrypted), "slip.pdf"),
              "next": f"/buyer/orders/{deposit.order.public_id}"},
        follow_redirects=True,
    )  # fmt: skip
    assert response.status_code < 500
    assert "protected by a password" in response.get_data(as_text=True)
    assert deposit.proofs == []
