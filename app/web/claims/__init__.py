"""The claim pages: the buyer files and pursues a claim, the seller answers and settles,
the operators decide escalated claims; anyone holding a claim's record verifies it.

Importing ``views`` registers its routes on ``bp``.
"""

from app.web.claims import views as views
from app.web.claims.verify import verify_bp
from app.web.claims.views import bp

__all__ = ["bp", "verify_bp"]
