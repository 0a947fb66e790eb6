"""The credit pages of an order: the buyer's finance enters the terms and amendments; the
seller answers amendments, uploads the carrier's and insurer's documents, runs the check,
presents and records the bank's answer. Both sides see everything on the order's credit.

Importing ``views`` registers its routes on ``bp``.
"""

from app.web.letters_of_credit import views as views
from app.web.letters_of_credit.verify import verify_bp
from app.web.letters_of_credit.views import bp

__all__ = ["bp", "verify_bp"]
