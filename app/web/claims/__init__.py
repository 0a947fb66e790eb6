"""The claim pages: the buyer files and pursues a claim, the seller answers and settles,
the operators decide escalated claims; anyone holding a claim's record verifies it.

Importing ``views`` and ``order_page`` registers their routes and globals on ``bp``.
"""

from app.web.claims import order_page as order_page
from app.web.claims import views as views
from app.web.claims.blueprint import bp
from app.web.claims.verify import verify_bp

__all__ = ["bp", "verify_bp"]
