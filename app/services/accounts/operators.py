"""Platform operators, created from the command line only."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext

from app.extensions import db
from app.models import User
from app.services.accounts.companies import email_taken
from app.services.accounts.passwords import hash_password, password_problem
from app.services.audit.recording import Actor, record_audit
from app.services.errors import ValidationFailed


def create_operator(*, email: str, full_name: str, password: str) -> User:
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise ValidationFailed(lazy_gettext("Enter a valid e-mail address."), "email") from exc
    if email_taken(address):
        raise ValidationFailed(
            lazy_gettext("An account with this e-mail address exists already."), "email"
        )
    problem = password_problem(password, [address, full_name])
    if problem is not None:
        raise ValidationFailed(problem, "password")
    operator = User(
        email=address,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        is_operator=True,
    )
    db.session.add(operator)
    db.session.flush()
    record_audit(
        Actor(None),
        "operator.created",
        object_type="user",
        object_id=operator.public_id,
        actor_email="cli",
    )
    return operator
