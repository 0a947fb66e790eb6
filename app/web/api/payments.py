"""``POST /api/v1/orders/<id>/milestones/<n>/proof``: the buyer's ERP sends the bank's
proof of a transfer, as the order page's upload does (``payments.upload_proof``, the file
through ``app.services.files``). The seller's finance then records the money; the ERP
hears ``payment.received``. The body is ``multipart/form-data`` with the file as ``proof``.

An ERP that retries after a timeout sends an ``Idempotency-Key`` (``app.web.api.once``): the
same file for the same milestone under the key is answered with the proof stored the first
time (200), and no second proof is kept; another file or milestone under it is a 409.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import g, request
from flask_babel import gettext

from app.models import PaymentProof, User
from app.services.accounts.capabilities import Side
from app.services.orders.queries import order_page
from app.services.payments import milestones as payments
from app.services.pictures import MAX_UPLOAD_BYTES
from app.web.api.contract import ApiAnswer, ResponseModel, operation
from app.web.api.once import write_once
from app.web.api.views import _actor, bp
from app.web.errors import render_error

PROOF_BODY = {
    "multipart/form-data": {
        "schema": {
            "type": "object",
            "required": ["proof"],
            "properties": {
                "proof": {
                    "type": "string",
                    "contentMediaType": "application/pdf",
                    "description": "The bank's PDF of the transfer, or a photo of the slip.",
                }
            },
        }
    }
}


class TransferProof(ResponseModel):
    id: str
    order: str
    milestone: str
    sequence: int
    content_type: str
    byte_size: int
    sha256: str
    uploaded_at: datetime

    @classmethod
    def of(cls, proof: PaymentProof) -> TransferProof:
        milestone = proof.milestone
        return cls(
            id=proof.public_id,
            order=milestone.order.public_id,
            milestone=milestone.public_id,
            sequence=milestone.sequence,
            content_type=proof.content_type,
            byte_size=proof.byte_size,
            sha256=proof.sha256,
            uploaded_at=proof.uploaded_at,
        )


@bp.post("/orders/<public_id>/milestones/<int:sequence>/proof")
@operation(
    responses={201: TransferProof, 200: TransferProof},
    errors=(409,),
    tags=("orders",),
    body_content=PROOF_BODY,
    idempotent=True,
)
def upload_proof(public_id: str, sequence: int) -> ApiAnswer:
    """Upload the proof of a transfer for one payment milestone of the buyer's order.

    201 with the proof stored, or 200 with the one this Idempotency-Key stored before.
    """
    user: User = g.api_user
    order = order_page(user.company_id or 0, public_id, Side.BUYER)
    milestone = (
        next((m for m in order.milestones if m.sequence == sequence), None) if order else None
    )
    if milestone is None:
        return render_error(404, gettext("There is nothing here, or it is not yours to see."))
    upload = request.files.get("proof")
    if upload is None or not upload.filename:
        return render_error(
            422,
            gettext("Send the bank's PDF or a photo of the transfer slip as the file “proof”."),
            "proof",
            path="proof",
        )
    # Read here (no more than the files' check would) to fingerprint what was sent.
    content = upload.stream.read(MAX_UPLOAD_BYTES + 1)

    def store() -> str:
        return payments.upload_proof(_actor(), milestone, content).public_id

    # The request is the milestone and the file's bytes: the same slip sent again under
    # the key is the ERP's retry, whatever the file was called this time.
    target = f"{public_id}/{sequence}"
    proof_id, replayed, refused = write_once(
        "payment_proof", target, hashlib.sha256(content).hexdigest(), store
    )
    if refused is not None:
        return refused
    proof = payments.visible_proof(user.company_id or 0, proof_id or "")
    assert proof is not None
    return TransferProof.of(proof), 200 if replayed else 201
