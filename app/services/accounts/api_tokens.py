"""API tokens for importers' and exporters' ERPs: made, listed, revoked, checked per request.

A token acts as the person who made it, with that person's role and company, narrowed by
its scope (``ApiTokenScope``): personal (everything the person may do), read-only, or
reading plus the writes of orders or of listings; finance staff hold read-only ones
only. It stops working when it is revoked or the person is deactivated; a person whose
role changes or who is deactivated has every token revoked, so a token never outlives the
rights it was made with. Only its SHA-256 is stored. The company owner sees every token of
the company and may revoke any.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import LazyString, lazy_gettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import ApiToken, User
from app.models.api_token import ApiTokenRevocation, ApiTokenScope
from app.models.base import utcnow
from app.services.accounts.auth import token_sha256, unguessable_secret
from app.services.accounts.capabilities import Action, can, require
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed

PREFIX = "crd_"
MAX_ACTIVE_TOKENS = 10
# How stale "last used" may get before a request writes it again: one write per token
# every few minutes, not one per API call.
LAST_USED_RESOLUTION = timedelta(minutes=5)
# Revoked tokens stay listed this long, so the holder sees why the ERP stopped.
REVOKED_SHOWN_FOR = timedelta(days=90)

SCOPE_LABELS: dict[ApiTokenScope, LazyString] = {
    ApiTokenScope.PERSONAL: lazy_gettext("Everything you may do"),
    ApiTokenScope.READ_ONLY: lazy_gettext("Read only"),
    ApiTokenScope.ORDERS: lazy_gettext("Orders (read everything, write orders)"),
    ApiTokenScope.LISTINGS: lazy_gettext("Listings (read everything, write listings)"),
}

REVOCATION_LABELS: dict[ApiTokenRevocation, LazyString] = {
    ApiTokenRevocation.BY_HOLDER: lazy_gettext("Revoked by its holder"),
    ApiTokenRevocation.BY_OWNER: lazy_gettext("Revoked by the company owner"),
    ApiTokenRevocation.ROLE_CHANGED: lazy_gettext("Revoked: the holder's role changed"),
    ApiTokenRevocation.DEACTIVATED: lazy_gettext("Revoked: the holder was deactivated"),
}


def scope_allows(scope: ApiTokenScope, needed: ApiTokenScope | None) -> bool:
    """Whether a token of ``scope`` may make a call that needs ``needed`` (None: a read).

    Every scope reads; a write needs a personal token or the write's own scope. What the
    person's role allows is asked again by the service the call reaches.
    """
    if needed is None or scope is ApiTokenScope.PERSONAL:
        return True
    return scope is needed


def may_hold(user: User, scope: ApiTokenScope) -> bool:
    """Whether ``user``'s role allows a token of ``scope`` at all: a read-only one to
    whoever holds tokens (finance staff too), any other only to those whose tokens write."""
    if not can(user, Action.HOLD_API_TOKEN):
        return False
    return scope is ApiTokenScope.READ_ONLY or can(user, Action.HOLD_WRITING_API_TOKEN)


def scopes_for(user: User) -> list[ApiTokenScope]:
    """The scopes worth offering ``user``: of those the role allows, orders to whoever
    places or answers orders, listings to whoever edits them."""
    offered = [
        scope
        for scope in (ApiTokenScope.PERSONAL, ApiTokenScope.READ_ONLY)
        if may_hold(user, scope)
    ]
    if may_hold(user, ApiTokenScope.ORDERS) and (
        can(user, Action.BUY) or can(user, Action.EDIT_LISTINGS)
    ):
        offered.append(ApiTokenScope.ORDERS)
    if may_hold(user, ApiTokenScope.LISTINGS) and can(user, Action.EDIT_LISTINGS):
        offered.append(ApiTokenScope.LISTINGS)
    return offered


def active_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def recently_revoked_tokens(user: User) -> list[ApiToken]:
    """The person's tokens revoked in the last 90 days, newest first."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(
                ApiToken.user_id == user.id,
                ApiToken.revoked_at.is_not(None),
                ApiToken.revoked_at >= utcnow() - REVOKED_SHOWN_FOR,
            )
            .order_by(ApiToken.revoked_at.desc(), ApiToken.id.desc())
            .limit(50)
        )
    )


def company_tokens(actor: Actor) -> list[ApiToken]:
    """Every token of the owner's company, active first, each with its person."""
    owner = require(actor.user, Action.MANAGE_API_TOKENS)
    return list(
        db.session.scalars(
            select(ApiToken)
            .join(User, User.id == ApiToken.user_id)
            .where(User.company_id == owner.company_id)
            .options(joinedload(ApiToken.user))
            .order_by(
                ApiToken.revoked_at.is_not(None),
                ApiToken.created_at.desc(),
                ApiToken.id.desc(),
            )
            .limit(500)
        )
    )


def create_token(
    actor: Actor, name: str, scope: ApiTokenScope | str = ApiTokenScope.PERSONAL
) -> tuple[ApiToken, str]:
    """A new token for the actor (owner, purchaser, sales staff; finance staff read only)
    and its secret."""
    user = require(actor.user, Action.HOLD_API_TOKEN)
    name = (name or "").strip()
    if not 1 <= len(name) <= 80:
        raise ValidationFailed(lazy_gettext("Name the token, in at most 80 characters."), "name")
    chosen = ApiTokenScope(scope) if scope in ApiTokenScope._value2member_map_ else None
    if chosen is None or chosen not in scopes_for(user):
        raise ValidationFailed(lazy_gettext("Choose one of the scopes offered."), "scope")
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
        user_id=user.id,
        name=name,
        token_sha256=token_sha256(secret),
        hint=secret[:12],
        scope=chosen,
    )
    db.session.add(token)
    db.session.flush()
    record_audit(
        actor,
        "api_token.created",
        object_type="api_token",
        object_id=token.public_id,
        details={"name": name, "hint": token.hint, "scope": chosen.value},
    )
    return token, secret


def _revoke(actor: Actor, token: ApiToken, reason: ApiTokenRevocation) -> ApiToken:
    token.revoked_at = utcnow()
    token.revoked_reason = reason
    record_audit(
        actor,
        "api_token.revoked",
        company_id=token.user.company_id,
        object_type="api_token",
        object_id=token.public_id,
        details={
            "name": token.name,
            "hint": token.hint,
            "holder": token.user.email,
            "reason": reason.value,
        },
    )
    return token


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
    return _revoke(actor, token, ApiTokenRevocation.BY_HOLDER)


def revoke_company_token(actor: Actor, public_id: str) -> ApiToken | None:
    """The owner revokes any active token of the company; None (a 404) for a token of
    another company, or one revoked already."""
    owner = require(actor.user, Action.MANAGE_API_TOKENS)
    token = db.session.scalar(
        select(ApiToken)
        .join(User, User.id == ApiToken.user_id)
        .where(
            ApiToken.public_id == public_id,
            User.company_id == owner.company_id,
            ApiToken.revoked_at.is_(None),
        )
    )
    if token is None:
        return None
    reason = (
        ApiTokenRevocation.BY_HOLDER if token.user_id == owner.id else ApiTokenRevocation.BY_OWNER
    )
    return _revoke(actor, token, reason)


def revoke_all_of(actor: Actor, user: User, reason: ApiTokenRevocation) -> int:
    """Revoke every active token of ``user`` (role changed, deactivated); how many."""
    tokens = active_tokens(user)
    for token in tokens:
        _revoke(actor, token, reason)
    return len(tokens)


def token_for_secret(secret: str) -> ApiToken | None:
    """The active token presented, with its person and company; None if it is no good.

    Marks the token used (at most every few minutes); the caller commits.
    """
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
    # The role is asked again here: a token never acts for someone who may no longer
    # hold one of its scope (a change made outside ``users``, e.g. by an operator, revokes
    # nothing; a purchaser's orders token stops if they are made finance staff that way).
    if not user.active or not may_hold(user, token.scope):
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        token.last_used_at = now
    return token


def user_for_token(secret: str) -> User | None:
    """The person a presented token acts for; None if it is no good (see ``token_for_secret``)."""
    token = token_for_secret(secret)
    return token.user if token is not None else None
