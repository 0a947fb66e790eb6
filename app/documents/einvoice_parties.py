"""The trade parties of the CrossIndustryInvoice (seller and buyer with their tax
identifiers) and the seller's bank account as the payment means."""

from __future__ import annotations

import re

from lxml import etree  # type: ignore[import-untyped]

from app.documents.einvoice_xml import (
    Snapshot,
    add,
    address_lines,
    plain_text,
    with_country_prefix,
)

_IBAN = re.compile(r"[A-Z]{2}\d{2}[A-Z0-9]{10,30}")


def trade_party(
    parent: etree._Element, name: str, data: Snapshot, *, seller: bool
) -> etree._Element:
    party = add(parent, name)
    add(party, "ram:Name", plain_text(data.get("legal_name")))
    country = str(data.get("country") or "").upper()
    tax_id = plain_text(data.get("tax_id")) or None
    local_name = plain_text(data.get("legal_name_local")) or None
    if (not seller and tax_id) or local_name:
        organization = add(party, "ram:SpecifiedLegalOrganization")
        if not seller and tax_id:
            add(organization, "ram:ID", tax_id)
        if local_name:
            add(organization, "ram:TradingBusinessName", local_name)
    phone, email = plain_text(data.get("phone")), plain_text(data.get("email"))
    if seller and (phone or email):
        contact = add(party, "ram:DefinedTradeContact")
        if phone:
            add(add(contact, "ram:TelephoneUniversalCommunication"), "ram:CompleteNumber", phone)
        if email:
            add(add(contact, "ram:EmailURIUniversalCommunication"), "ram:URIID", email)
    address = add(party, "ram:PostalTradeAddress")
    if data.get("postal_code"):
        add(address, "ram:PostcodeCode", plain_text(data["postal_code"]))
    for tag, line in zip(
        ("ram:LineOne", "ram:LineTwo", "ram:LineThree"),
        address_lines(data.get("address")),
        strict=False,
    ):
        add(address, tag, line)
    if data.get("city"):
        add(address, "ram:CityName", plain_text(data["city"]))
    add(address, "ram:CountryID", country)
    if seller:
        # VA: the sales-tax (VAT) registration, country-prefixed; FC: the local tax number.
        vat = plain_text(data.get("sales_tax_registration")) or tax_id
        if vat and country:
            add(
                add(party, "ram:SpecifiedTaxRegistration"),
                "ram:ID",
                with_country_prefix(vat, country),
                schemeID="VA",
            )
        if tax_id:
            add(add(party, "ram:SpecifiedTaxRegistration"), "ram:ID", tax_id, schemeID="FC")
    elif tax_id and country:
        add(
            add(party, "ram:SpecifiedTaxRegistration"),
            "ram:ID",
            with_country_prefix(tax_id, country),
            schemeID="VA",
        )
    return party


def payment_means(settlement: etree._Element, bank: Snapshot | None) -> None:
    account = re.sub(r"\s+", "", str((bank or {}).get("account") or "")).upper()
    if not bank or not account:
        return
    means = add(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
    add(means, "ram:TypeCode", "30")  # UNTDID 4461: credit transfer (T/T)
    creditor = add(means, "ram:PayeePartyCreditorFinancialAccount")
    if _IBAN.fullmatch(account):
        add(creditor, "ram:IBANID", account)
    if bank.get("beneficiary"):
        add(creditor, "ram:AccountName", plain_text(bank["beneficiary"]))
    if not _IBAN.fullmatch(account):
        add(creditor, "ram:ProprietaryID", account)
    swift = plain_text(bank.get("swift")).replace(" ", "")
    if swift:
        add(add(means, "ram:PayeeSpecifiedCreditorFinancialInstitution"), "ram:BICID", swift)
