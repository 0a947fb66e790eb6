"""``GET /api/v1/orders`` (the buyer's orders, a page after a cursor),
``GET /api/v1/invoices`` and the documents' PDF and e-invoice XML.

Lists follow Stripe's: ``limit`` (1 to 100), ``starting_after`` (the last id of the page
read), ``has_more``. Documents answer ``ETag`` (their SHA-256) and ``304`` to a matching
``If-None-Match``; a download that hands out bytes is audited as on the pages.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from flask import Response, current_app, g, request
from flask_babel import gettext
from pydantic import AwareDatetime, Field

from app.documents.einvoice import einvoice_from_pdf
from app.models import DocumentKind, OrderStatus, User
from app.security import writes_on_get
from app.services.accounts.capabilities import Side
from app.services.documents import api_access
from app.services.errors import NotFound
from app.services.orders import cursor_list
from app.web.api.contract import ApiAnswer, QueryModel, Text, operation
from app.web.api.schemas.fulfilment import Document, DocumentList
from app.web.api.schemas.orders import OrderList, OrderSummary
from app.web.api.views import _actor, bp
from app.web.errors import render_error

# Stored documents never change: an ERP may keep one, for this token's company only.
DOCUMENT_CACHE = "private, max-age=3600"


def company_id() -> int:
    user: User = g.api_user
    return user.company_id or 0


# Public ids are short URL-safe strings: anything else is nobody's, without asking the
# database (a NUL byte in a path would make PostgreSQL refuse the query itself).
_PUBLIC_ID = re.compile(r"[A-Za-z0-9_-]{1,40}")
PublicId = Annotated[Text, Field(max_length=40, pattern=r"^[A-Za-z0-9_-]+$")]


def well_formed(public_id: str) -> bool:
    return _PUBLIC_ID.fullmatch(public_id) is not None


def not_yours() -> ApiAnswer:
    return render_error(404, gettext("There is nothing here, or it is not yours to see."))


def unknown_cursor() -> ApiAnswer:
    return render_error(
        422,
        gettext("starting_after names nothing in this list."),
        "starting_after",
    )


class OrderListQuery(QueryModel):
    limit: int = Field(default=cursor_list.DEFAULT_LIMIT, ge=1, le=cursor_list.MAX_LIMIT)
    starting_after: PublicId | None = None
    status: OrderStatus | None = None
    # With its zone (2026-03-01T08:00:00Z): a time without one names no moment.
    updated_since: AwareDatetime | None = None


def order_slice(side: str, query: OrderListQuery) -> ApiAnswer:
    try:
        found = cursor_list.orders_after(
            company_id(),
            side,
            limit=query.limit,
            starting_after=query.starting_after,
            status=query.status,
            updated_since=query.updated_since,
        )
    except cursor_list.UnknownCursor:
        return unknown_cursor()
    return OrderList(
        data=[OrderSummary.of(order) for order in found.orders], has_more=found.has_more
    )


@bp.get("/orders")
@operation(query=OrderListQuery, responses={200: OrderList}, tags=["orders"])
def order_list(query: OrderListQuery) -> ApiAnswer:
    """The company's orders as buyer, newest first."""
    return order_slice(Side.BUYER, query)


class InvoiceListQuery(QueryModel):
    limit: int = Field(default=10, ge=1, le=api_access.MAX_LIMIT)
    starting_after: PublicId | None = None
    kind: Literal["proforma_invoice", "commercial_invoice", "credit_note"] | None = None


@bp.get("/invoices")
@operation(query=InvoiceListQuery, responses={200: DocumentList}, tags=["documents"])
def invoice_list(query: InvoiceListQuery) -> ApiAnswer:
    """Invoices and credit notes the company issued or received, newest first."""
    try:
        found = api_access.company_invoices(
            company_id(),
            kind=DocumentKind(query.kind) if query.kind else None,
            limit=query.limit,
            starting_after=query.starting_after,
        )
    except api_access.UnknownCursor:
        return unknown_cursor()
    return DocumentList(
        data=[Document.of(document) for document in found.documents], has_more=found.has_more
    )


def _not_modified(tag: str) -> bool:
    return tag in request.if_none_match


def _file(content: bytes, mimetype: str, filename: str, tag: str) -> Response:
    response = current_app.response_class(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = DOCUMENT_CACHE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(tag)
    return response


def _unchanged(tag: str) -> Response:
    response = current_app.response_class(status=304)
    response.set_etag(tag)
    response.headers["Cache-Control"] = DOCUMENT_CACHE
    return response


@bp.get("/documents/<public_id>.pdf")
@writes_on_get  # the download's audit row (see app.security.writes_on_get)
@operation(
    responses={200: None, 304: None},
    content={200: {"application/pdf": {"schema": {"type": "string", "format": "binary"}}}},
    tags=["documents"],
)
def document_pdf(public_id: str) -> ApiAnswer:
    """The issued PDF as stored (ETag: its SHA-256)."""
    tag = api_access.issued_tag(company_id(), public_id) if well_formed(public_id) else None
    if tag is None:
        return not_yours()
    if _not_modified(tag):
        return _unchanged(tag)  # nothing handed out: nothing to audit
    issued = api_access.download_issued(_actor(), public_id, "document.downloaded")
    if issued is None:
        return not_yours()
    return _file(issued.pdf, "application/pdf", issued.filename, issued.sha256)


@bp.get("/documents/<public_id>.xml")
@writes_on_get
@operation(
    responses={200: None, 304: None},
    content={200: {"application/xml": {"schema": {"type": "string", "format": "binary"}}}},
    tags=["documents"],
)
def document_xml(public_id: str) -> ApiAnswer:
    """The e-invoice (Factur-X CII XML) inside an issued invoice or credit note."""
    tag = api_access.issued_tag(company_id(), public_id) if well_formed(public_id) else None
    if tag is None:
        return not_yours()
    xml_tag = f"{tag}-xml"
    if _not_modified(xml_tag):
        return _unchanged(xml_tag)
    issued = api_access.download_issued(_actor(), public_id, "document.xml_downloaded")
    if issued is None:
        return not_yours()
    xml = einvoice_from_pdf(issued.pdf)
    if xml is None:
        # Only invoices and credit notes carry one; raised, so the audit row rolls back.
        raise NotFound(gettext("This document carries no e-invoice."))
    return _file(xml, "application/xml", f"{issued.number}.xml", xml_tag)
