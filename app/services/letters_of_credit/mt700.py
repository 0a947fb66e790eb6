"""Reading an MT700 (issue of a documentary credit) pasted as text into the terms form.

Only the fields the terms need are read; whatever cannot be read is left blank for the
person to fill. Nothing is saved here: the person checks the form and submits it.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from app.models import AvailableBy, CreditDocumentKind
from app.services.letters_of_credit.terms import CreditTermsInput

_TAG = re.compile(r"^:(\d{2}[A-Z]?):", re.MULTILINE)
_INCOTERMS = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
# Words in field 46A that name each document.
_DOCUMENT_WORDS = {
    CreditDocumentKind.COMMERCIAL_INVOICE: "COMMERCIAL INVOICE",
    CreditDocumentKind.PACKING_LIST: "PACKING LIST",
    CreditDocumentKind.CERTIFICATE_OF_ORIGIN: "CERTIFICATE OF ORIGIN",
    CreditDocumentKind.BILL_OF_LADING: "BILL",
    CreditDocumentKind.INSURANCE_CERTIFICATE: "INSURANCE",
    CreditDocumentKind.INSPECTION_CERTIFICATE: "INSPECTION",
    CreditDocumentKind.WEIGHT_CERTIFICATE: "WEIGHT",
    CreditDocumentKind.QUALITY_CERTIFICATE: "QUALITY",
}
_COUNTS = {"ONE": 1, "TWO": 2, "THREE": 3, "FOUR": 4, "FULL SET": 3}


def fields(text: str) -> dict[str, str]:
    """Each tag's content (``31D`` → ``261220SHANGHAI``), continuation lines kept."""
    found: dict[str, str] = {}
    marks = list(_TAG.finditer(text.replace("\r\n", "\n")))
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        found[mark.group(1)] = text.replace("\r\n", "\n")[mark.end() : end].strip()
    return found


def _day(value: str) -> date | None:
    match = re.match(r"(\d{2})(\d{2})(\d{2})", value or "")
    if not match:
        return None
    try:
        return date(2000 + int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _documents(text: str) -> list[dict[str, object]]:
    required: list[dict[str, object]] = []
    for clause in re.split(r"\n(?=\+|\d+[.)])", text.upper()):
        for kind, word in _DOCUMENT_WORDS.items():
            if word in clause and not any(r["kind"] == kind.value for r in required):
                count = next((n for w, n in _COUNTS.items() if w in clause), 1)
                copies = re.search(r"\b(\d{1,2})\s+COPIES", clause)
                required.append(
                    {
                        "kind": kind.value,
                        "originals": count,
                        "copies": int(copies[1]) if copies else 0,
                        "wording": clause.strip(" +")[:300],
                    }
                )
                break
    return required


def parse(text: str) -> CreditTermsInput:
    tags = fields(text)
    data = CreditTermsInput()
    data.form_of_credit = tags.get("40A", data.form_of_credit)
    data.number = tags.get("20", "")
    data.issue_date = _day(tags.get("31C", ""))
    expiry = tags.get("31D", "")
    data.expiry_date, data.expiry_place = _day(expiry), expiry[6:].strip()
    data.applicant, data.beneficiary = tags.get("50", ""), tags.get("59", "")
    data.issuing_bank = tags.get("52A", tags.get("52D", ""))
    data.advising_bank = tags.get("57A", tags.get("57D")) or None
    amount = re.match(r"([A-Z]{3})([\d,.]+)", tags.get("32B", "").replace(" ", ""))
    if amount:
        data.currency = amount[1]
        # SWIFT writes the decimal comma (USD530,00); a retyped copy may use the point
        # (USD530.00), which is then the decimal point, not a thousands separator.
        raw = amount[2]
        if "," in raw:
            raw = raw.replace(".", "").replace(",", ".")
        try:
            data.amount = str(Decimal(raw))
        except InvalidOperation:
            data.amount = ""
    tolerance = re.match(r"(\d{1,3})/(\d{1,3})\b", tags.get("39A", ""))
    if tolerance:
        data.tolerance_plus, data.tolerance_minus = int(tolerance[1]), int(tolerance[2])
    available = tags.get("41A", tags.get("41D", "")).upper()
    for how in AvailableBy:
        if how.value.split("_")[0].upper() in available:
            data.available_by = how.value
    data.available_with = available.split(" BY ")[0].strip()
    usance = re.search(r"\b(\d{1,3})\s+DAYS", tags.get("42C", "").upper())
    data.usance_days = int(usance[1]) if usance else None
    data.partial_shipments = "NOT" not in tags.get("43P", "NOT").upper()
    data.transhipment = "NOT" not in tags.get("43T", "NOT").upper()
    data.port_of_loading = tags.get("44E", "")
    data.port_of_discharge = tags.get("44F", "")
    data.latest_shipment_date = _day(tags.get("44C", ""))
    goods = tags.get("45A", "")
    data.goods_description = goods
    term = re.search(r"\b(" + "|".join(_INCOTERMS) + r")\b\s*([A-Z][A-Za-z ]+)?", goods.upper())
    if term:
        data.incoterm, data.incoterm_place = term[1], (term[2] or "").strip().title() or None
    documents = tags.get("46A", "")
    data.documents_required = _documents(documents)
    consignee = re.search(
        r"(TO (?:THE )?ORDER OF [^\n,]+(?:, [^\n]+?)?)(?:\s+MARKED|\s+NOTIFY|\n|$)",
        documents.upper(),
    )
    data.consignee_wording = consignee[1].strip() if consignee else None
    notify = re.search(r"NOTIFY\s+([^\n]+)", documents.upper())
    data.notify_wording = notify[1].strip() if notify else None
    data.additional_conditions = tags.get("47A") or None
    period = re.match(r"(\d{1,3})\b", tags.get("48", ""))
    data.presentation_days = int(period[1]) if period else 21
    data.charges = tags.get("71D", tags.get("71B")) or None
    return data
