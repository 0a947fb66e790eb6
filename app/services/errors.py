"""Domain errors. Each carries a message for the person who caused it, translated lazily."""

from __future__ import annotations

from flask_babel import LazyString


class DomainError(Exception):
    """A business rule refused the request; ``field`` names the form field at fault.

    ``status`` is the HTTP status the web boundary answers with when no form shows it.
    """

    status = 422
    # The API's machine-readable name for the refusal (docs/API.md, "Errors").
    code = "invalid"

    def __init__(self, message: str | LazyString, field: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        # Where in the request the fault lies when the service knows more than the form
        # field, such as which line: "lines[2].quantity" (0-based, as the request sent it).
        self.path: str | None = None

    def __str__(self) -> str:
        return str(self.message)


class ValidationFailed(DomainError):
    """Input that no business rule can accept."""


class NotAllowed(DomainError):
    """The acting user may not do this."""

    status = 403
    code = "not_allowed"


class NotFound(DomainError):
    """Nothing by that id, or not the acting company's to see (the same answer for both)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The request is sound but the state it meets refuses it (stock ran out meanwhile)."""

    status = 409
    code = "conflict"


class CompanyNotVerified(DomainError):
    """Unverified and suspended companies may prepare, not trade."""
