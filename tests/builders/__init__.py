"""States of the world reached the way the app reaches them: through the real services.

    tests.builders.trade      Trade, make_trade: a seller with a listing and a buyer
    tests.builders.orders     place_for, accept, start_production, ship, deliver, advance,
                              order_in: an order in any state of its lifecycle
    tests.builders.payments   pay, bank_transfer: money the seller's finance records
    tests.builders.documents  render_pending: the issued documents' PDFs

Each call runs in its own request context and commits, as a request would (in tests the
commits are savepoint releases inside the test's rolled-back transaction). Events,
milestones, notifications and documents follow from the services, unlike the rows of
``tests.factories``.
"""
