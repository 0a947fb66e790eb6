"""The bill of lading and the set as a whole: ports, consignee and notify wording, clean
on board (UCP 600 art. 20, 27; ISBP 821 E), every required document with its originals
(art. 14(a), 17)."""

from __future__ import annotations

from collections.abc import Callable

from app.models import CreditDocumentKind, CreditTerms
from app.services.letters_of_credit.findings import (
    CLEAN_REQUIRED,
    DocumentSet,
    Field,
    Finding,
    credit_field,
)
from app.services.letters_of_credit.wording import (
    consignee_as_stated,
    first_line,
    normalised,
    port_as_stated,
    same_party,
    same_wording,
    to_order_of,
)

Agreement = Callable[[str | None, str | None], bool]


def _bill_as_stated(
    documents: DocumentSet, fields: tuple[tuple[str, str, str | None], ...], agrees: Agreement
) -> list[Finding]:
    """A finding for each (rule, field, what the credit states) the B/L does not agree
    with; a field the credit leaves blank is not checked."""
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    if bill is None:
        return []
    return [
        Finding(rule, (bill.field(name), credit_field(documents.terms, name, stated)))
        for rule, name, stated in fields
        if stated and not agrees(stated, bill.values.get(name))
    ]


def check_ports(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    # "Karachi, Pakistan" shows the port "Karachi"; "Port Qasim" does not. "Any port in
    # Pakistan" is met by an actual port in Pakistan (art. 20(a)(iii); ISBP 821 E6).
    return _bill_as_stated(
        documents,
        (
            ("UCP20-POL", "port_of_loading", terms.port_of_loading),
            ("UCP20-POD", "port_of_discharge", terms.port_of_discharge),
        ),
        port_as_stated,
    )


def check_parties(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    consignee = _bill_as_stated(
        documents,
        (("ISBP-E-CONSIGNEE", "consignee", consignee_required(terms)),),
        consignee_as_stated,
    )
    notify = terms.notify_wording
    if normalised(notify) == "applicant":
        # "Notify applicant" (as an MT700 reads): the B/L names the applicant as the credit
        # does, its address not compared (ISBP 821 E14).
        return consignee + _bill_as_stated(
            documents, (("ISBP-E-NOTIFY", "notify", terms.applicant),), same_party
        )
    return consignee + _bill_as_stated(
        documents, (("ISBP-E-NOTIFY", "notify", notify),), same_wording
    )


def consignee_required(terms: CreditTerms) -> str | None:
    """The consignee the credit asks for, "to order of issuing bank" spelt out with the
    issuing bank's name as the credit gives it (field 52a), as the B/L must show it."""
    wording = terms.consignee_wording
    party = to_order_of(wording)
    if party is None or normalised(party) not in ("issuing bank", "the issuing bank"):
        return wording
    assert wording is not None
    return f"{wording[: len(wording) - len(party)]}{first_line(terms.issuing_bank)}"


def bill_wording(terms: CreditTerms) -> str | None:
    """What field 46A says of the bill of lading ("Full set of clean on board ...")."""
    for required in terms.documents_required:
        if required.get("kind") == CreditDocumentKind.BILL_OF_LADING.value:
            return str(required.get("wording") or "") or None
    return None


def check_clean(documents: DocumentSet) -> list[Finding]:
    bill = documents.first(CreditDocumentKind.BILL_OF_LADING)
    if bill is None or bill.values.get("clean", True):
        return []
    # Beside the clause, what the credit asks for: its 46A wording, or a clean B/L
    # (art. 27 applies whether or not the credit says "clean").
    terms = documents.terms
    required = credit_field(terms, "clean", bill_wording(terms) or CLEAN_REQUIRED)
    return [
        Finding("UCP27-CLEAN", (bill.field("clean", bill.values.get("clause") or "—"), required))
    ]


def check_required(documents: DocumentSet) -> list[Finding]:
    terms = documents.terms
    findings = []
    for required in terms.documents_required:
        kind = CreditDocumentKind(required["kind"])
        wanted = int(required.get("originals") or 0)
        document = documents.first(kind)
        if document is None:
            findings.append(
                Finding("UCP14-MISSING", (credit_field(terms, "document", kind.value),))
            )
        elif document.originals is not None and document.originals < wanted:
            findings.append(
                Finding(
                    "UCP17-ORIGINALS",
                    (
                        document.field("originals", document.originals),
                        Field("credit", terms.number, "originals", str(wanted)),
                    ),
                )
            )
    return findings


CHECKS = (check_ports, check_parties, check_clean, check_required)
