"""The consignee block a checkout starts with: the buyer's full postal address."""

from __future__ import annotations

from babel import Locale

from app.models import Company


def consignee_address(company: Company) -> str:
    """Name (and name in its own script), street address, city with postal code, country.

    In English whatever the reader's language: the consignee is printed on bills of lading
    and invoices that carriers and banks of both countries read.
    """
    country = Locale("en").territories.get(company.country, company.country)
    city = " ".join(part for part in (company.city, company.postal_code) if part)
    parts = (company.legal_name, company.legal_name_local, company.address, city, country)
    return "\n".join(part.strip() for part in parts if part and part.strip())
