"""Personal API tokens for importers' ERPs: made, listed, revoked, and checked per request.

A token acts as the purchaser who made it, with that person's role and company, and stops
working when it is revoked or the person is deactivated. Only its SHA-256 is stored.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ApiToken, User
from app.models.base import utcnow
from app.services.accounts.auth import token_sha256, unguessable_secret
from app.services.accounts.capabilities import Action, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotAllowed, ValidationFailed

PREFIX = "crd_"
MAX_ACTIVE_TOKENS = 10
# How stale "last used" may get before a request writes it again: one write per token
# every few minutes, not one per API call.
LAST_USED_RESOLUTION = timedelta(minutes=5)


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def create_token(actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new token for the actor (owner or purchaser of a buying company) and its secret."""
    user = require(actor.user, Action.BUY)
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise ValidationFailed(lazy_gettext("Name the token, in at most 80 characters."), "name")
    held = db.session.scalar(
        select(func.count())
        .select_from(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    )
    if (held or 0) >= MAX_ACTIVE_TOKENS:
        raise ValidationFailed(
            lazy_gettext("You have 10 active tokens. Revoke one you no longer use first.")
        )
    secret = PREFIX + unguessable_secret()
    token = ApiToken(
        user_id=user.id, name=name, token_sha256=token_sha256(secret), hint=secret[:12]
    )
    db.session.add(token)
    db.session.flush()
    record_audit(
        actor,
        "api_token.created",
        object_type="api_token",
        object_id=token.public_id,
        details={"name": name, "hint": token.hint},
    )
    return token, secret


def revoke_token(actor: Actor, public_id: str) -> ApiToken | None:
    """Revoke one of the actor's own tokens; None if there is no such active token."""
    user = actor.user
    if user is None:
        return None
    token = db.session.scalar(
        select(ApiToken).where(
            ApiToken.public_id == public_id,
            ApiToken.user_id == user.id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if token is None:
        return None
    token.revoked_at = utcnow()
    record_audit(
        actor,
        "api_token.revoked",
        object_type="api_token",
        object_id=token.public_id,
        details={"name": token.name, "hint": token.hint},
    )
    return token


def user_for_token(secret: str) -> User | None:
    """The active purchaser a presented token acts for, with its company; None if it is no
    good. Marks the token used (at most every few minutes); the caller commits."""
    if not secret.startswith(PREFIX) or len(secret) > 100:
        return None
    row = db.session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_sha256 == token_sha256(secret), ApiToken.revoked_at.is_(None))
        .options(joinedload(User.company))
    ).first()
    if row is None:
        return None
    token, user = row
    if not user.active:
        return None
    try:
        # The token acts as a purchaser: it stops with the role (or the company's buying).
        require(user, Action.BUY)
    except NotAllowed:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return user
