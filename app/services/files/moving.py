"""Moving files kept elsewhere into the file storage (``flask storage ...``).

Before the storage existed, transfer proofs were bytes in ``payment_proofs.content`` and
listing photos files under ``MEDIA_ROOT``. Migration 0019 leaves both where they are (old
proofs are served from their row); these move them, at the operator's pace, so that a
second machine and the backup see them too.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import undefer

from app.extensions import db
from app.models import Order, PaymentMilestone, PaymentProof
from app.models.stored_file import StoredFile
from app.services.files.storage import file_storage

PROOF_EXTENSIONS = {"application/pdf": "pdf", "image/webp": "webp"}


def move_proofs(limit: int) -> int:
    """Move up to ``limit`` proofs' bytes into the storage (flushed); how many moved."""
    rows = db.session.execute(
        select(PaymentProof, Order.buyer_id)
        .join(PaymentMilestone, PaymentMilestone.id == PaymentProof.milestone_id)
        .join(Order, Order.id == PaymentMilestone.order_id)
        .where(
            PaymentProof.stored_file_id.is_(None),
            PaymentProof.content.is_not(None),
            # A stored file names its uploader; a proof without one stays in its row.
            PaymentProof.uploaded_by_id.is_not(None),
        )
        .options(undefer(PaymentProof.content))
        .order_by(PaymentProof.id)
        .limit(limit)
    ).all()
    storage = file_storage()
    for proof, buyer_id in rows:
        content = proof.content or b""
        if hashlib.sha256(content).hexdigest() != proof.sha256:
            raise ValueError(f"proof {proof.public_id} does not match its SHA-256; not moved")
        key = f"{secrets.token_urlsafe(24)}.{PROOF_EXTENSIONS.get(proof.content_type, 'bin')}"
        storage.put(key, content, proof.content_type)
        proof.stored_file = StoredFile(
            company_id=buyer_id,
            uploaded_by_id=proof.uploaded_by_id or 0,
            purpose="payment_proof",
            filename=proof.filename,
            content_type=proof.content_type,
            byte_size=len(content),
            sha256=proof.sha256,
            storage_key=key,
            created_at=proof.uploaded_at,
        )
        proof.content = None
    db.session.flush()
    return len(rows)


def adopt_media(media_root: Path) -> int:
    """Copy listing photos from the old ``MEDIA_ROOT`` into the storage (keys unchanged)."""
    storage = file_storage()
    copied = 0
    for path in sorted(media_root.glob("*.webp")) if media_root.is_dir() else ():
        if path.is_file() and not path.is_symlink() and not storage.exists(path.name):
            storage.put_file(path.name, path, "image/webp")
            copied += 1
    return copied
