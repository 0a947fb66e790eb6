"""Who sees the details of a controlled listing (price, stock, the seller's documents).

Only signed-in people of verified companies, and operators; anonymous visitors, pending or
suspended companies and authority accounts see that the listing exists and is controlled.
"""

from __future__ import annotations

from app.models import User


def sees_controlled_details(user: User | None) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if user.is_operator:
        return True
    company = user.company
    return company is not None and company.is_verified
