"""Domain errors. Each carries a message for the person who caused it, translated lazily."""

from __future__ import annotations

from flask_babel import LazyString


class DomainError(Exception):
    """A business rule refused the request; ``field`` names the form field at fault."""

    def __init__(self, message: str | LazyString, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    """Input that no business rule can accept."""


class NotAllowed(DomainError):
    """The acting user may not do this."""


class CompanyNotVerified(DomainError):
    """Unverified and suspended companies may prepare, not trade."""
