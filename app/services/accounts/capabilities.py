"""Who may do what: the one table every guard, view, template and service asks.

``can(user, action, target)`` answers from ``CAPABILITIES``; ``require`` raises
``NotAllowed`` with the action's own refusal. No role set is written anywhere else: a
blueprint guard asks for its area's action, a template asks before it shows a button, and
the service asks again before it acts (the page may be stale, the API has no page).

A target narrows the question to one party: for an order (anything with ``seller_id`` and
``buyer_id``), the user must work for the side the action belongs to; for a company, the
user must work for that company; for a document, for its issuer.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext

from app.models import Company, CompanyRole, User
from app.services.errors import NotAllowed

R = CompanyRole


class Side(enum.StrEnum):
    """The party a person acts for on an order."""

    SELLER = "seller"
    BUYER = "buyer"
    SYSTEM = "system"  # moves nobody makes by hand: completion once delivered and paid


class Action(enum.StrEnum):
    # Workspaces (a blueprint each).
    SELLER_AREA = "seller_area"
    BUYER_AREA = "buyer_area"
    FINANCE_AREA = "finance_area"
    COMPANY_AREA = "company_area"
    OPERATE = "operate"  # platform operators, who belong to no company
    # Listings and the catalogue.
    EDIT_LISTINGS = "edit_listings"
    PREVIEW_LISTINGS = "preview_listings"
    # Orders: the seller's moves (accept, reject, produce, ship) and the buyer's.
    BUY = "buy"
    ACT_AS_SELLER = "act_as_seller"
    ACT_AS_BUYER = "act_as_buyer"
    TRUST_BUYERS = "trust_buyers"
    # Requests for quotation: the buyer asks, counters and awards; the seller quotes.
    REQUEST_QUOTES = "request_quotes"
    QUOTE = "quote"
    # Money and documents.
    PAY = "pay"  # upload a proof of transfer, open a letter of credit, pay by card
    RECORD_RECEIPT = "record_receipt"
    REFUND = "refund"
    RELEASE_BEFORE_PAYMENT = "release_before_payment"  # production, shipment before the deposit
    ISSUE_CREDIT_NOTE = "issue_credit_note"
    # Weight terms: enter the surveyor's outturn, which issues the final invoice.
    SETTLE_OUTTURN = "settle_outturn"
    # Documentary credits: the applicant (buyer) gives the terms and amendments; the
    # beneficiary (seller) accepts amendments, uploads documents, checks and presents them.
    ENTER_CREDIT_TERMS = "enter_credit_terms"
    PRESENT_DOCUMENTS = "present_documents"
    EXPORT_REGISTER = "export_register"
    # The company itself.
    MANAGE_COMPANY = "manage_company"
    MANAGE_USERS = "manage_users"
    # The account buyers pay into: printed on proformas and invoices, a fraudster's target.
    CHANGE_BANK_DETAILS = "change_bank_details"
    MANAGE_WEBHOOKS = "manage_webhooks"  # endpoints, secrets, resends (issue 22)
    # API tokens (issue 22): who may hold one (it acts as them, narrowed by its scope),
    # who may hold one that writes (any scope but read-only), and the owner's view of every
    # token of the company, with revocation.
    HOLD_API_TOKEN = "hold_api_token"  # noqa: S105 (an action name, not a secret)
    HOLD_WRITING_API_TOKEN = "hold_writing_api_token"  # noqa: S105
    MANAGE_API_TOKENS = "manage_api_tokens"
    # Reading the company's orders through the API: its staff who see them on the pages,
    # finance staff included (their area lists the orders they pay or are paid for).
    READ_BUYER_ORDERS = "read_buyer_orders"
    READ_SELLER_ORDERS = "read_seller_orders"
    # Messages between the parties (threads per order, RFQ, listing).
    READ_MESSAGES = "read_messages"
    SEND_MESSAGES = "send_messages"
    # Controlled goods: the company's licence vault (record licences, end-user
    # certificates and approvals; see them and what each still allows).
    MANAGE_LICENCES = "manage_licences"
    VIEW_LICENCES = "view_licences"
    # A licensing authority's account: read-only view of the licences it issued, their
    # reviews, drawdowns and shipments; revoking one of them. Nothing else.
    AUTHORITY_AREA = "authority_area"
    REVOKE_LICENCE = "revoke_licence"
    # The company's own trade beside the corridor's published statistics.
    READ_OWN_TRADE_STATISTICS = "read_own_trade_statistics"
    # Claims (trade assurance): the buyer files and escalates, the seller answers, the
    # platform's operators decide an escalated claim; the seller's finance settles (REFUND).
    FILE_CLAIM = "file_claim"
    ANSWER_CLAIM = "answer_claim"
    DECIDE_CLAIM = "decide_claim"  # operators only, like OPERATE


def _sells(company: Company) -> bool:
    return company.sells


def _buys(company: Company) -> bool:
    return company.buys


@dataclass(frozen=True)
class Capability:
    roles: frozenset[CompanyRole]
    refusal: LazyString
    side: Side | None = None  # the party an order target must be on
    company: Callable[[Company], bool] | None = None  # what the user's company must do


def _roles(*roles: CompanyRole) -> frozenset[CompanyRole]:
    return frozenset(roles)


_NOT_YOUR_ROLE = lazy_gettext("Your role cannot make this change to the order.")

CAPABILITIES: dict[Action, Capability] = {
    Action.SELLER_AREA: Capability(
        _roles(R.OWNER, R.SALES, R.VIEWER),
        lazy_gettext("Only the staff of a selling company work here."),
        company=_sells,
    ),
    Action.BUYER_AREA: Capability(
        _roles(R.OWNER, R.PURCHASER, R.VIEWER),
        lazy_gettext("Only the staff of a buying company work here."),
        company=_buys,
    ),
    Action.FINANCE_AREA: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the company's owners and finance staff work here."),
    ),
    Action.COMPANY_AREA: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company owner manages the company.")
    ),
    Action.EDIT_LISTINGS: Capability(
        _roles(R.OWNER, R.SALES),
        lazy_gettext("Only the owner and sales staff of a seller edit listings."),
        company=_sells,
    ),
    Action.PREVIEW_LISTINGS: Capability(
        _roles(R.OWNER, R.SALES, R.VIEWER),
        lazy_gettext("Only the seller's staff preview unpublished listings."),
        company=_sells,
    ),
    Action.BUY: Capability(
        _roles(R.OWNER, R.PURCHASER),
        lazy_gettext("Only the owner and purchasers of a buying company order."),
        company=_buys,
    ),
    Action.ACT_AS_SELLER: Capability(_roles(R.OWNER, R.SALES), _NOT_YOUR_ROLE, Side.SELLER),
    Action.ACT_AS_BUYER: Capability(_roles(R.OWNER, R.PURCHASER), _NOT_YOUR_ROLE, Side.BUYER),
    Action.TRUST_BUYERS: Capability(
        _roles(R.OWNER, R.SALES),
        lazy_gettext("Only the owner and sales staff of a seller decide whom to trust."),
        company=_sells,
    ),
    Action.REQUEST_QUOTES: Capability(
        _roles(R.OWNER, R.PURCHASER),
        lazy_gettext("Only the owner and purchasers of a buying company ask for quotes."),
        Side.BUYER,
        company=_buys,
    ),
    Action.QUOTE: Capability(
        _roles(R.OWNER, R.SALES),
        lazy_gettext("Only the owner and sales staff of a seller send quotes."),
        Side.SELLER,
        company=_sells,
    ),
    Action.PAY: Capability(
        _roles(R.OWNER, R.PURCHASER, R.FINANCE),
        lazy_gettext("Only the buyer's owner, purchasers and finance staff pay the order."),
        Side.BUYER,
    ),
    Action.RECORD_RECEIPT: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the seller's owner and finance staff record receipts."),
        Side.SELLER,
    ),
    Action.REFUND: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the seller's owner and finance staff give refunds."),
        Side.SELLER,
    ),
    Action.RELEASE_BEFORE_PAYMENT: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the seller's owner and finance staff release goods before payment."),
        Side.SELLER,
    ),
    Action.ISSUE_CREDIT_NOTE: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the issuer's finance staff can issue credit notes."),
    ),
    Action.SETTLE_OUTTURN: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext(
            "Only the seller's owner and finance staff enter the outturn and issue the final "
            "invoice."
        ),
        Side.SELLER,
    ),
    Action.ENTER_CREDIT_TERMS: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the buyer's owner and finance staff enter the letter of credit."),
        Side.BUYER,
    ),
    Action.PRESENT_DOCUMENTS: Capability(
        _roles(R.OWNER, R.SALES, R.FINANCE),
        lazy_gettext("Only the seller's owner, sales and finance staff present documents."),
        Side.SELLER,
    ),
    Action.EXPORT_REGISTER: Capability(
        _roles(R.OWNER, R.FINANCE),
        lazy_gettext("Only the company's owners and finance staff can export invoices."),
    ),
    Action.MANAGE_COMPANY: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company's owner can change its details.")
    ),
    Action.MANAGE_USERS: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company owner manages users.")
    ),
    Action.CHANGE_BANK_DETAILS: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company's owner can change its bank details.")
    ),
    Action.MANAGE_WEBHOOKS: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company's owner manages its webhooks.")
    ),
    # Finance staff hold read-only tokens (an accounting system reading invoices and credit
    # notes); their writes (receipts, refunds, credit notes) stay on the pages.
    Action.HOLD_API_TOKEN: Capability(
        _roles(R.OWNER, R.PURCHASER, R.SALES, R.FINANCE),
        lazy_gettext("Only the owner, purchasers, sales and finance staff hold API tokens."),
    ),
    Action.HOLD_WRITING_API_TOKEN: Capability(
        _roles(R.OWNER, R.PURCHASER, R.SALES),
        lazy_gettext("Only the owner, purchasers and sales staff hold API tokens that write."),
    ),
    Action.MANAGE_API_TOKENS: Capability(
        _roles(R.OWNER), lazy_gettext("Only the company's owner sees and revokes all its tokens.")
    ),
    Action.READ_BUYER_ORDERS: Capability(
        _roles(R.OWNER, R.PURCHASER, R.FINANCE, R.VIEWER),
        lazy_gettext("Only the staff of a buying company read its orders."),
        company=_buys,
    ),
    Action.READ_SELLER_ORDERS: Capability(
        _roles(R.OWNER, R.SALES, R.FINANCE, R.VIEWER),
        lazy_gettext("Only the staff of a selling company read the orders placed with it."),
        company=_sells,
    ),
    Action.READ_MESSAGES: Capability(
        _roles(R.OWNER, R.SALES, R.PURCHASER, R.FINANCE, R.VIEWER),
        lazy_gettext("Only the staff of the two companies read their messages."),
    ),
    Action.SEND_MESSAGES: Capability(
        _roles(R.OWNER, R.SALES, R.PURCHASER, R.FINANCE),
        lazy_gettext("Your role can read messages but not write them."),
    ),
    Action.MANAGE_LICENCES: Capability(
        _roles(R.OWNER, R.SALES, R.PURCHASER),
        lazy_gettext("Only the owner, sales staff and purchasers record the company's licences."),
    ),
    Action.VIEW_LICENCES: Capability(
        _roles(R.OWNER, R.SALES, R.PURCHASER, R.FINANCE, R.VIEWER),
        lazy_gettext("Only the company's staff see its licences."),
    ),
    # No company role takes these: ``can`` answers them for authority accounts only.
    Action.AUTHORITY_AREA: Capability(
        _roles(), lazy_gettext("Only a licensing authority's account works here.")
    ),
    Action.REVOKE_LICENCE: Capability(
        _roles(), lazy_gettext("Only the authority that issued a licence can revoke it.")
    ),
    Action.READ_OWN_TRADE_STATISTICS: Capability(
        _roles(R.OWNER, R.SALES, R.PURCHASER, R.FINANCE),
        lazy_gettext(
            "Only the company's owner, sales, purchasing and finance staff see its trade."
        ),
    ),
    Action.FILE_CLAIM: Capability(
        _roles(R.OWNER, R.PURCHASER),
        lazy_gettext("Only the buyer's owner and purchasers file and pursue claims."),
        Side.BUYER,
    ),
    Action.ANSWER_CLAIM: Capability(
        _roles(R.OWNER, R.SALES),
        lazy_gettext("Only the seller's owner and sales staff answer claims."),
        Side.SELLER,
    ),
}


# Actions of the platform's operators, who belong to no company: no row in the table.
OPERATOR_ACTIONS = frozenset({Action.OPERATE, Action.DECIDE_CLAIM})

_OPERATORS_ONLY = lazy_gettext("Only the platform's operators decide escalated claims.")


# Actions only an authority's account takes; a target must be one of its licences.
AUTHORITY_ACTIONS = frozenset({Action.AUTHORITY_AREA, Action.REVOKE_LICENCE})


def roles_for(action: Action) -> frozenset[CompanyRole]:
    """The company roles that may take ``action`` (for queries: who is told, who sees)."""
    return CAPABILITIES[action].roles


def side_of(user: User | None, target: object) -> Side | None:
    """Which party ``user`` acts for on an order-like ``target`` (None: neither)."""
    if user is None or user.company_id is None:
        return None
    if user.company_id == getattr(target, "seller_id", None):
        return Side.SELLER
    if user.company_id == getattr(target, "buyer_id", None):
        return Side.BUYER
    return None


def _owning_company_id(target: object) -> int | None:
    """The company a non-order target belongs to: itself, or a document's issuer."""
    if isinstance(target, Company):
        return target.id
    issuer_id = getattr(target, "issuer_id", None)
    return issuer_id if isinstance(issuer_id, int) else None


def can(user: User | None, action: Action | str, target: object = None) -> bool:
    """Whether ``user`` may take ``action`` (on ``target``, when given)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if action in OPERATOR_ACTIONS:
        return user.is_operator
    if action in AUTHORITY_ACTIONS:
        # An authority acts on what it issued (a licence's ``authority_id``), nothing else.
        authority_id = getattr(user, "authority_id", None)
        if authority_id is None:
            return False
        return target is None or getattr(target, "authority_id", None) == authority_id
    capability = CAPABILITIES[Action(action)]
    if user.company_id is None or user.company_role not in capability.roles:
        return False
    # The company row is loaded only when the rule asks what the company does: pages that
    # ask ``can`` for every row of a list stay one query.
    if capability.company is not None and (
        user.company is None or not capability.company(user.company)
    ):
        return False
    if target is None:
        return True
    if capability.side is not None:
        return side_of(user, target) is capability.side
    return _owning_company_id(target) == user.company_id


def require(
    user: User | None,
    action: Action,
    target: object = None,
    refusal: LazyString | None = None,
) -> User:
    """The user, if ``can``; otherwise ``NotAllowed`` saying why (``refusal``, or the
    action's own words)."""
    if user is None or not can(user, action, target):
        if action in OPERATOR_ACTIONS:
            raise NotAllowed(refusal or _OPERATORS_ONLY)
        raise NotAllowed(refusal or CAPABILITIES[action].refusal)
    return user
