"""Payment actions on the order pages of either side: receipts and their reversals,
letters of credit, transfer proofs, card payments and refunds; and the card webhook.

Importing a route module registers its views on ``bp``.
"""

from app.web.payments import receipts as receipts
from app.web.payments import views as views
from app.web.payments.blueprint import bp

__all__ = ["bp"]
