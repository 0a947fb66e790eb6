"""factory-boy factories, one module per domain, rows flushed into the test transaction.

    tests.factories.accounts   CompanyFactory, UserFactory
    tests.factories.catalog    CategoryFactory, ProductFactory
    tests.factories.orders     OrderFactory (traits: accepted, in_production, shipped,
                               delivered, completed, rejected, cancelled, paid, partly_paid)
    tests.factories.rates      this_weeks_rates

Factories make rows. Payments and documents have none on purpose: their rows carry
invariants (milestones derived from the terms, numbered and frozen documents) that only
the services keep, so tests get them from ``tests.builders``.
"""

from tests.factories.accounts import (
    CompanyFactory,
    UserFactory,
    hashed_test_password,
    valid_uscc,
)
from tests.factories.base import BaseFactory
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.rates import this_weeks_rates

__all__ = [
    "BaseFactory",
    "CategoryFactory",
    "CompanyFactory",
    "OrderFactory",
    "ProductFactory",
    "UserFactory",
    "hashed_test_password",
    "this_weeks_rates",
    "valid_uscc",
]
