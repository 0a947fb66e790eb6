"""All models, imported here so Alembic and the app see one metadata."""

from app.models.api_token import ApiToken
from app.models.audit import AuditEvent, AuditLogIsAppendOnly
from app.models.base import Base
from app.models.category import Category
from app.models.company import Company, VerificationStatus
from app.models.document import (
    Document,
    DocumentCounter,
    DocumentIsImmutable,
    DocumentKind,
    DocumentStatus,
)
from app.models.finance import DocumentRate, ExchangeRate, ExportStatus, RegisterExport
from app.models.order import (
    CartLine,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    PaymentTerms,
    Shipment,
    ShipmentMode,
    ShipmentPackage,
    ShipmentStatus,
    TrustedBuyer,
)
from app.models.outbox import OutboxEmail
from app.models.password_reset import PasswordReset
from app.models.payment import (
    CardIntent,
    MilestoneKind,
    MilestoneTrigger,
    PaymentMethod,
    PaymentMilestone,
    PaymentProof,
    PaymentReceipt,
    PaymentRefund,
    ProcessedWebhookEvent,
)
from app.models.product import (
    SEA_ONLY_INCOTERMS,
    Incoterm,
    PriceTier,
    Product,
    ProductImage,
    ProductIncoterm,
    ProductStatus,
    Specification,
)
from app.models.user import CompanyRole, User

__all__ = [
    "SEA_ONLY_INCOTERMS",
    "ApiToken",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Base",
    "CardIntent",
    "CartLine",
    "Category",
    "Company",
    "CompanyRole",
    "Document",
    "DocumentCounter",
    "DocumentIsImmutable",
    "DocumentKind",
    "DocumentRate",
    "DocumentStatus",
    "ExchangeRate",
    "ExportStatus",
    "Incoterm",
    "MilestoneKind",
    "MilestoneTrigger",
    "Order",
    "OrderEvent",
    "OrderLine",
    "OrderStatus",
    "OutboxEmail",
    "PasswordReset",
    "PaymentMethod",
    "PaymentMilestone",
    "PaymentProof",
    "PaymentReceipt",
    "PaymentRefund",
    "PaymentStatus",
    "PaymentTerms",
    "PriceTier",
    "ProcessedWebhookEvent",
    "Product",
    "ProductImage",
    "ProductIncoterm",
    "ProductStatus",
    "RegisterExport",
    "Shipment",
    "ShipmentMode",
    "ShipmentPackage",
    "ShipmentStatus",
    "Specification",
    "TrustedBuyer",
    "User",
    "VerificationStatus",
]
