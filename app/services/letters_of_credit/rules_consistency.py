"""Data in one document must not conflict with the same data in another (UCP 600 art.
14(d)): quantities, weights, packages, marks, container and seal numbers. Documents that
do not state a datum are not compared on it (ISBP 821 A23: they need not repeat it).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable

from app.services.letters_of_credit.findings import DocumentSet, Finding
from app.services.letters_of_credit.wording import as_decimal, normalised, reference_set


def _same_everywhere(
    rule: str, name: str, read: Callable[[object], Hashable | None]
) -> Callable[[DocumentSet], list[Finding]]:
    def check(documents: DocumentSet) -> list[Finding]:
        stated = [
            (document, read(document.values.get(name)))
            for document in documents.documents
            if document.values.get(name) not in (None, "", [])
        ]
        stated = [(document, value) for document, value in stated if value is not None]
        if len({value for _, value in stated}) <= 1:
            return []
        return [Finding(rule, tuple(document.field(name) for document, _ in stated))]

    check.__name__ = f"check_{name}"
    return check


def _number(value: object) -> Hashable | None:
    number = as_decimal(value)
    return number.normalize() if number is not None else None


def _marks(value: object) -> Hashable | None:
    return normalised(str(value)) or None


def _references(value: object) -> Hashable | None:
    return reference_set(value) or None


CHECKS = (
    _same_everywhere("UCP14d-QTY", "quantity", _number),
    _same_everywhere("UCP14d-WEIGHT", "gross_weight_kg", _number),
    _same_everywhere("UCP14d-PACKAGES", "packages", _number),
    _same_everywhere("UCP14d-MARKS", "marks", _marks),
    _same_everywhere("UCP14d-CONTAINER", "container_numbers", _references),
    _same_everywhere("UCP14d-SEAL", "seal_numbers", _references),
)
