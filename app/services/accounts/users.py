"""Company staff: the owner adds people, changes roles, deactivates; everyone edits a profile."""

from __future__ import annotations

from flask_babel import lazy_gettext
from sqlalchemy import func, select

from app.extensions import db
from app.i18n import LANGUAGE_NAMES
from app.models import CompanyRole, User
from app.models.api_token import ApiTokenRevocation
from app.services.accounts import api_tokens, auth
from app.services.accounts.capabilities import Action, require
from app.services.accounts.companies import email_taken
from app.services.accounts.passwords import hash_password, password_problem, verify_password
from app.services.audit.recording import Actor, record_audit
from app.services.errors import NotAllowed, ValidationFailed
from app.time_zones import valid_zone


def _require_owner(actor: Actor) -> User:
    return require(actor.user, Action.MANAGE_USERS)


def company_users(company_id: int) -> list[User]:
    return list(
        db.session.scalars(select(User).where(User.company_id == company_id).order_by(User.id))
    )


def get_company_user(company_id: int, public_id: str) -> User | None:
    """A user of ``company_id`` by public id; someone else's user is None (answers 404)."""
    return db.session.scalar(
        select(User).where(User.company_id == company_id, User.public_id == public_id)
    )


def add_user(
    actor: Actor, *, email: str, full_name: str, role: CompanyRole, locale: str | None
) -> User:
    """Add a colleague and e-mail them a link to choose their own password."""
    owner = _require_owner(actor)
    email = email.strip().lower()
    if email_taken(email):
        raise ValidationFailed(
            lazy_gettext("An account with this e-mail address exists already."), "email"
        )
    # Nobody knows this password; the invitation link sets a real one.
    user = User(
        email=email,
        full_name=full_name.strip(),
        password_hash=hash_password(auth.unguessable_secret()),
        company_id=owner.company_id,
        company_role=role,
        locale=locale if locale in LANGUAGE_NAMES else None,
    )
    db.session.add(user)
    db.session.flush()
    auth.send_invitation(user, invited_by=owner)
    record_audit(
        actor,
        "user.added",
        object_type="user",
        object_id=user.public_id,
        details={"email": email, "role": role.value},
    )
    return user


def _owners_left(company_id: int, excluding: User) -> int:
    return (
        db.session.scalar(
            select(func.count(User.id)).where(
                User.company_id == company_id,
                User.company_role == CompanyRole.OWNER,
                User.active.is_(True),
                User.id != excluding.id,
            )
        )
        or 0
    )


def change_role(actor: Actor, user: User, role: CompanyRole) -> None:
    owner = _require_owner(actor)
    if user.company_id != owner.company_id:
        raise NotAllowed(lazy_gettext("That user is not in your company."))
    if user.company_role is role:
        return
    if user.company_role is CompanyRole.OWNER and _owners_left(owner.company_id or 0, user) == 0:
        raise ValidationFailed(
            lazy_gettext(
                "A company keeps at least one active owner. Make someone else owner first."
            ),
            "role",
        )
    previous = user.company_role
    user.company_role = role
    # New rights take effect on the next request anyway; ending sessions is for demotion.
    user.session_version += 1
    # A token never outlives the rights it was made with: the ERP gets a new one, made
    # knowingly for the new role.
    api_tokens.revoke_all_of(actor, user, ApiTokenRevocation.ROLE_CHANGED)
    record_audit(
        actor,
        "user.role_changed",
        object_type="user",
        object_id=user.public_id,
        details={"email": user.email, "from": previous.value if previous else None, "to": role},
    )


def set_active(actor: Actor, user: User, active: bool) -> None:
    owner = _require_owner(actor)
    if user.company_id != owner.company_id:
        raise NotAllowed(lazy_gettext("That user is not in your company."))
    if user.id == owner.id and not active:
        raise ValidationFailed(lazy_gettext("You cannot deactivate yourself."))
    if user.active == active:
        return
    if (
        not active
        and user.company_role is CompanyRole.OWNER
        and _owners_left(owner.company_id or 0, user) == 0
    ):
        raise ValidationFailed(lazy_gettext("A company keeps at least one active owner."))
    user.active = active
    user.session_version += 1
    if not active:
        api_tokens.revoke_all_of(actor, user, ApiTokenRevocation.DEACTIVATED)
    record_audit(
        actor,
        "user.reactivated" if active else "user.deactivated",
        object_type="user",
        object_id=user.public_id,
        details={"email": user.email},
    )


def update_profile(user: User, *, full_name: str, locale: str | None, timezone: str | None) -> None:
    """Name, language and time zone; no zone (None) follows the company's (operators: UTC)."""
    if locale is not None and locale not in LANGUAGE_NAMES:
        raise ValidationFailed(lazy_gettext("Choose a language from the list."), "locale")
    timezone = timezone or None
    if timezone is not None and not valid_zone(timezone):
        raise ValidationFailed(lazy_gettext("Choose a time zone from the list."), "timezone")
    user.full_name = full_name.strip()
    user.locale = locale
    user.timezone = timezone


def change_password(actor: Actor, current_password: str, new_password: str) -> None:
    """Change the actor's password and end every other session they have."""
    user = actor.user
    assert user is not None
    if not verify_password(user.password_hash, current_password):
        raise ValidationFailed(
            lazy_gettext("The current password is not right."), "current_password"
        )
    problem = password_problem(new_password, [user.email, user.full_name])
    if problem is not None:
        raise ValidationFailed(problem, "new_password")
    user.password_hash = hash_password(new_password)
    user.session_version += 1
    record_audit(actor, "password.changed", object_type="user", object_id=user.public_id)
