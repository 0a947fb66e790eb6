"""Password hashing (argon2id) and the password policy.

Policy follows NIST SP 800-63B / OWASP ASVS 5.0: at least 12 characters, long
passphrases welcome, no composition rules, and common or predictable passwords refused
(zxcvbn's dictionaries of common passwords, names, keyboard walks and sequences).
"""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import LazyString, lazy_gettext
from zxcvbn import zxcvbn

MIN_LENGTH = 12
MAX_LENGTH = 256
# zxcvbn refuses more than 72 characters (and is super-linear below that); the first 72
# characters decide whether a passphrase is guessable.
_STRENGTH_WINDOW = 72
_MIN_SCORE = 3


@lru_cache(maxsize=4)
def _hasher(memory_kib: int, time_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def _current_hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher(
        config["ARGON2_MEMORY_KIB"], config["ARGON2_TIME_COST"], config["ARGON2_PARALLELISM"]
    )


def hash_password(password: str) -> str:
    return _current_hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _current_hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _current_hasher().check_needs_rehash(password_hash)


@lru_cache(maxsize=1)
def _dummy_hash(memory_kib: int, time_cost: int, parallelism: int) -> str:
    return _hasher(memory_kib, time_cost, parallelism).hash("corridor timing equaliser")


def burn_verification_time(password: str) -> None:
    """Spend the time a real verification would, so unknown e-mails answer as slowly."""
    config = current_app.config
    verify_password(
        _dummy_hash(
            config["ARGON2_MEMORY_KIB"], config["ARGON2_TIME_COST"], config["ARGON2_PARALLELISM"]
        ),
        password,
    )


def password_problem(password: str, user_inputs: list[str] | None = None) -> LazyString | None:
    """Why ``password`` is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return lazy_gettext("Use at least %(count)d characters.", count=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return lazy_gettext("Use at most %(count)d characters.", count=MAX_LENGTH)
    words = [word for word in (user_inputs or []) if word]
    if zxcvbn(password[:_STRENGTH_WINDOW], user_inputs=words)["score"] < _MIN_SCORE:
        return lazy_gettext(
            "This password is too common or too easy to guess. A few unrelated words make"
            " a strong passphrase."
        )
    return None
