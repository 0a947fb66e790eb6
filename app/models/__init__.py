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
from app.models.idempotency import IdempotencyKey
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
    Allocation,
    CardIntent,
    ChargeBearer,
    MilestoneKind,
    MilestoneState,
    MilestoneTrigger,
    PaymentMethod,
    PaymentMilestone,
    PaymentProof,
    PaymentReceipt,
    PaymentRefund,
    PaymentReversal,
    ProcessedWebhookEvent,
    allocate,
)
from app.models.payment_control import PaymentRelease, PaymentReminder
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
from app.models.stored_file import StoredFile
from app.models.user import CompanyRole, User

__all__ = [
    "SEA_ONLY_INCOTERMS",
    "Allocation",
    "ApiToken",
    "AuditEvent",
    "AuditLogIsAppendOnly",
    "Base",
    "CardIntent",
    "CartLine",
    "Category",
    "ChargeBearer",
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
    "IdempotencyKey",
    "Incoterm",
    "MilestoneKind",
    "MilestoneState",
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
    "PaymentRelease",
    "PaymentReminder",
    "PaymentReversal",
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
    "StoredFile",
    "TrustedBuyer",
    "User",
    "VerificationStatus",
    "allocate",
]
