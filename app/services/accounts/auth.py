"""Signing in and out, and password reset by single-use e-mailed link."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, gettext, lazy_gettext
from sqlalchemy import ColumnElement, bindparam, select
from sqlalchemy.orm import joinedload, undefer

from app.extensions import db
from app.models import PasswordReset, User
from app.models.base import utcnow
from app.public_urls import absolute_url
from app.services.accounts.passwords import (
    burn_verification_time,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed
from app.services.outbox import queue_email

INVITATION_MAX_AGE = timedelta(days=3)


def unguessable_secret() -> str:
    return secrets.token_urlsafe(32)


def token_sha256(token: str) -> str:
    """What we store of a secret token (reset links, API tokens): never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


# A session cookie names ``public_id:session_version`` (User.get_id). It holds while that
# user is active and still on that version: signing out everywhere, a password change and
# deactivation each end it. The one rule for every signed-in request: Flask-Login's loader
# and the download statement (app.services.documents.downloads) both put it in their WHERE clause.
SESSION_HOLDER: ColumnElement[bool] = (
    (User.public_id == bindparam("session_user"))
    & (User.session_version == bindparam("session_version"))
    & User.active
)
# Every guard asks for the user's company next: load it in the same statement. Built once:
# every signed-in request runs it, and building it anew cost a quarter of its time.
# The navigation's unread-message count comes in the same statement too.
_SESSION_USER = (
    select(User)
    .where(SESSION_HOLDER)
    .options(joinedload(User.company), undefer(User.unread_messages))
)
_SESSION_VERSION = re.compile(r"[0-9]{1,10}")
_MAX_SESSION_VERSION = 2**31 - 1  # the column is a 32-bit integer


def session_key(session_id: str) -> dict[str, str | int] | None:
    """SESSION_HOLDER's parameters for a session id, or None if it cannot name anyone."""
    public_id, _, version = session_id.partition(":")
    if not _SESSION_VERSION.fullmatch(version) or int(version) > _MAX_SESSION_VERSION:
        return None
    return {"session_user": public_id, "session_version": int(version)}


def session_user(session_id: str) -> User | None:
    """The user (with their company) whose session ``session_id`` still holds."""
    key = session_key(session_id)
    return db.session.scalar(_SESSION_USER, key) if key is not None else None


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email.strip().lower()))


def authenticate(email: str, password: str, address: str | None) -> User | None:
    """The user if ``password`` is right and the account active; audit either way.

    Unknown e-mail, wrong password and deactivated account answer alike and take the
    same time, so the answer reveals nothing about which accounts exist.
    """
    user = find_user_by_email(email)
    if user is None:
        burn_verification_time(password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if not ok:
        record_audit(
            Actor(user, address),
            "login.failed",
            actor_email=email.strip().lower()[:254],
            object_type="user",
            object_id=user.public_id if user else None,
        )
        return None
    assert user is not None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    record_audit(
        Actor(user, address), "login.succeeded", object_type="user", object_id=user.public_id
    )
    return user


def end_all_sessions(actor: Actor) -> None:
    """Sign out: every cookie issued to this user stops working, this one included."""
    user = actor.user
    if user is None:
        return
    user.session_version += 1
    record_audit(actor, "logout", object_type="user", object_id=user.public_id)


def _reset_link(token: str) -> str:
    return absolute_url(f"/reset-password/{token}")


def _issue_reset_token(user: User, max_age: timedelta) -> str:
    token = unguessable_secret()
    now = utcnow()
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_sha256=token_sha256(token),
            created_at=now,
            expires_at=now + max_age,
        )
    )
    return token


def request_password_reset(email: str, address: str | None) -> None:
    """E-mail a reset link if the account exists; the caller answers the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    token = _issue_reset_token(user, current_app.config["PASSWORD_RESET_MAX_AGE"])
    with force_locale(user.locale or "en"):
        subject = gettext("Reset your Corridor password")
        body = gettext(
            "Someone asked to reset the password of your Corridor account %(email)s.\n\n"
            "To choose a new password, open this link within one hour:\n%(link)s\n\n"
            "If it was not you, ignore this message: your password stays as it is.",
            email=user.email,
            link=_reset_link(token),
        )
    queue_email(user.email, subject, body)
    record_audit(
        Actor(user, address),
        "password.reset_requested",
        object_type="user",
        object_id=user.public_id,
    )


def send_invitation(user: User, invited_by: User) -> None:
    token = _issue_reset_token(user, INVITATION_MAX_AGE)
    company_name = invited_by.company.legal_name if invited_by.company else ""
    with force_locale(user.locale or invited_by.locale or "en"):
        subject = gettext("You are invited to Corridor")
        body = gettext(
            "%(inviter)s added you to %(company)s on Corridor.\n\n"
            "Choose your password within three days with this link:\n%(link)s",
            inviter=invited_by.full_name,
            company=company_name,
            link=_reset_link(token),
        )
    queue_email(user.email, subject, body)


def user_for_reset_token(token: str) -> User | None:
    """The user a valid, unused, unexpired token belongs to."""
    reset = db.session.scalar(
        select(PasswordReset).where(PasswordReset.token_sha256 == token_sha256(token))
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return db.session.get(User, reset.user_id)


def reset_password(token: str, new_password: str, address: str | None) -> User:
    """Set a new password with a reset token; the token and every session end."""
    reset = db.session.scalar(
        select(PasswordReset)
        .where(PasswordReset.token_sha256 == token_sha256(token))
        .with_for_update()
    )
    now = utcnow()
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        raise ValidationFailed(
            lazy_gettext("This link has expired or was used already. Ask for a new one.")
        )
    user = db.session.get(User, reset.user_id)
    assert user is not None
    problem = password_problem(new_password, [user.email, user.full_name])
    if problem is not None:
        raise ValidationFailed(problem, "password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    # Every outstanding link for this user dies with the one used.
    for other in db.session.scalars(
        select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)
        )
    ):
        other.used_at = now
    record_audit(
        Actor(user, address), "password.reset", object_type="user", object_id=user.public_id
    )
    return user
