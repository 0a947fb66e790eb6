"""Message pages. Every thread is looked up through the signed-in user's company, so
another company's thread (or file) answers 404; the services ask the capability table.

A thread opens on its first message: the order, listing and RFQ links show the thread if
it exists, or an empty one whose form opens it (no GET ever writes).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Message,
    MessageThread,
    Order,
    Product,
    ProductStatus,
    Rfq,
    RfqInvitation,
)
from app.models.company import Company
from app.services.accounts.capabilities import Action, Side, can
from app.services.messaging import oversight, posting, threads
from app.services.orders.queries import company_order
from app.web.boundary import attempt
from app.web.files import send_stored
from app.web.forms import page_number
from app.web.guards import acting, guard_blueprint, signed_in_user
from app.web.messages.forms import EditMessageForm, MessageForm, ReportForm

bp = Blueprint("messages", __name__, url_prefix="/messages")
guard_blueprint(bp, None)


def _uploads() -> list[posting.Upload]:
    return [
        posting.Upload(file.stream, file.filename)
        for file in request.files.getlist("attachments")
        if file and file.filename
    ]


def _flash_errors(form: object) -> None:
    for errors in getattr(form, "errors", {}).values():
        for error in errors:
            flash(str(error), "danger")


def _render(
    thread: MessageThread | None,
    subject: str,
    counterparty: str,
    post_url: str,
    form: MessageForm | None = None,
) -> ResponseReturnValue:
    user = signed_in_user()
    messages = posting.thread_messages(thread) if thread is not None else []
    return render_template(
        "messages/thread.html",
        thread=thread,
        subject=subject,
        counterparty=counterparty,
        messages=messages,
        post_url=post_url,
        form=form or MessageForm(formdata=None),
        edit_form=EditMessageForm(formdata=None),
        report_form=ReportForm(formdata=None),
        may_write=can(user, Action.SEND_MESSAGES),
        may_edit=lambda message: posting.may_edit(message, user),
        about=_about(thread) if thread is not None else None,
    )


def _post(
    open_thread: Callable[[], MessageThread], again: Callable[[MessageForm], ResponseReturnValue]
) -> ResponseReturnValue:
    """Open the thread if need be and append the message; or show the form's refusal."""
    form = MessageForm()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: posting.post_message(acting(), open_thread(), form.body.data, _uploads()),
            form,
        )
        if outcome.ok and outcome.value is not None:
            flash(gettext("Message sent."), "success")
            thread_id = outcome.value.thread.public_id
            return redirect(url_for("messages.thread", public_id=thread_id) + "#latest")
    return again(form)


@bp.get("/")
def inbox() -> ResponseReturnValue:
    user = signed_in_user()
    if user.company_id is None:
        abort(404)
    rows = threads.inbox(user, page_number(request.args.get("page")))
    return render_template(
        "messages/inbox.html",
        rows=rows,
        counterparty=lambda thread: threads.counterparty_name(thread, user),
    )


def _own_thread(public_id: str) -> MessageThread:
    thread = threads.visible_thread(signed_in_user(), public_id)
    if thread is None:
        abort(404)
    return thread


def _about(thread: MessageThread) -> tuple[str, str] | None:
    """The page the thread is about, on the viewer's side, with its link text (None when
    the viewer's role has no such page)."""
    user = signed_in_user()
    side = "buyer" if user.company_id == thread.buyer_id else "seller"
    area = Action.BUYER_AREA if side == "buyer" else Action.SELLER_AREA
    if thread.order_id is not None:
        order = db.session.get(Order, thread.order_id)
        if order is None:
            return None
        if can(user, area):
            endpoint = f"{side}.order"
        elif can(user, Action.FINANCE_AREA):
            endpoint = "finance.order"
        else:
            return None
        return url_for(endpoint, public_id=order.public_id), gettext("Open the order")
    if thread.rfq_id is not None:
        rfq = db.session.get(Rfq, thread.rfq_id)
        if rfq is None or not can(user, area):
            return None
        return url_for(f"{side}.rfq", public_id=rfq.public_id), gettext("Open the RFQ")
    product = db.session.get(Product, thread.product_id) if thread.product_id else None
    if product is None or product.status != ProductStatus.PUBLISHED:
        return None
    return url_for("catalog.product", public_id=product.public_id), gettext("Open the listing")


def _show_thread(thread: MessageThread, form: MessageForm | None = None) -> ResponseReturnValue:
    user = signed_in_user()
    return _render(
        thread,
        thread.subject,
        threads.counterparty_name(thread, user),
        url_for("messages.thread", public_id=thread.public_id),
        form,
    )


@bp.route("/<public_id>", methods=["GET", "POST"])
def thread(public_id: str) -> ResponseReturnValue:
    found = _own_thread(public_id)
    if request.method == "POST":
        return _post(lambda: found, lambda form: _show_thread(found, form))
    # Opening the thread reads it: the navigation's count drops at once.
    posting.mark_read(signed_in_user(), found)
    return _show_thread(found)


def _submit(
    form: EditMessageForm | ReportForm, act: Callable[[], object], done: str, thread: MessageThread
) -> ResponseReturnValue:
    """A small form on the thread page: act, say so or say why not, back to the thread."""
    if form.validate_on_submit() and attempt(act, form).ok:
        flash(done, "success")
    else:
        _flash_errors(form)
    return redirect(url_for("messages.thread", public_id=thread.public_id))


@bp.post("/<public_id>/messages/<message_id>/edit")
def edit(public_id: str, message_id: str) -> ResponseReturnValue:
    found = _own_thread(public_id)
    message = db.session.scalar(
        select(Message).where(Message.thread_id == found.id, Message.public_id == message_id)
    )
    if message is None:
        abort(404)
    form = EditMessageForm()
    return _submit(
        form,
        lambda: posting.edit_message(acting(), message, form.body.data),
        gettext("Message corrected."),
        found,
    )


@bp.post("/<public_id>/report")
def report(public_id: str) -> ResponseReturnValue:
    found = _own_thread(public_id)
    form = ReportForm()
    return _submit(
        form,
        lambda: oversight.report_thread(acting(), found, form.reason.data),
        gettext("Reported. Corridor's operators may now read this conversation."),
        found,
    )


@bp.get("/<public_id>/files/<file_id>")
def attachment(public_id: str, file_id: str) -> ResponseReturnValue:
    stored = posting.thread_file(_own_thread(public_id), file_id)
    if stored is None:
        abort(404)
    return send_stored(stored)


# --- threads that open on their first message ----------------------------------------


def _order(public_id: str) -> Order:
    user = signed_in_user()
    for side in (Side.BUYER, Side.SELLER):
        order = company_order(user.company_id or 0, public_id, side)
        if order is not None:
            return order
    abort(404)


def _existing(**key: object) -> MessageThread | None:
    company_id = signed_in_user().company_id
    found: MessageThread | None = db.session.scalar(
        select(MessageThread).where(
            *(getattr(MessageThread, name) == value for name, value in key.items()),
            threads.party(company_id),
        )
    )
    return found


def _open_or_show(
    existing: MessageThread | None,
    subject: str,
    counterparty: str,
    open_thread: Callable[[], MessageThread],
) -> ResponseReturnValue:
    """The thread if it exists; else an empty one whose form opens it with a message."""
    if existing is not None and request.method == "GET":
        return redirect(url_for("messages.thread", public_id=existing.public_id))

    def again(form: MessageForm | None = None) -> ResponseReturnValue:
        return _render(existing, subject, counterparty, request.path, form)

    if request.method == "POST":
        return _post(open_thread, again)
    return again()


@bp.route("/order/<public_id>", methods=["GET", "POST"])
def order_messages(public_id: str) -> ResponseReturnValue:
    order = _order(public_id)
    if not can(signed_in_user(), Action.READ_MESSAGES):
        abort(403)
    user = signed_in_user()
    other = order.seller if user.company_id == order.buyer_id else order.buyer
    return _open_or_show(
        _existing(order_id=order.id),
        order.reference,
        other.legal_name,
        lambda: threads.order_thread(user, order),
    )


@bp.route("/ask/<public_id>", methods=["GET", "POST"])
def ask_supplier(public_id: str) -> ResponseReturnValue:
    """ "Ask the supplier" from a listing: the thread between this buyer and the seller."""
    product = db.session.scalar(
        select(Product).where(
            Product.public_id == public_id, Product.status == ProductStatus.PUBLISHED
        )
    )
    if product is None:
        abort(404)
    user = signed_in_user()
    return _open_or_show(
        _existing(product_id=product.id),
        product.title,
        product.seller.legal_name,
        lambda: threads.product_thread(user, product),
    )


@bp.route("/rfq/<public_id>/<seller_id>", methods=["GET", "POST"])
def rfq_messages(public_id: str, seller_id: str) -> ResponseReturnValue:
    """An RFQ's thread between its buyer and one invited seller."""
    # Only an invited seller has a thread: anyone else (a seller not asked, or any seller
    # while the RFQ is a draft) must not learn even the RFQ's title from this page.
    found = db.session.execute(
        select(Rfq, Company)
        .join(RfqInvitation, RfqInvitation.rfq_id == Rfq.id)
        .join(Company, Company.id == RfqInvitation.seller_id)
        .where(Rfq.public_id == public_id, Company.public_id == seller_id)
    ).one_or_none()
    user = signed_in_user()
    if found is None or user.company_id not in (found.Rfq.buyer_id, found.Company.id):
        abort(404)
    rfq, seller = found.Rfq, found.Company
    other = seller if user.company_id == rfq.buyer_id else rfq.buyer
    return _open_or_show(
        _existing(rfq_id=rfq.id, seller_id=seller.id),
        rfq.title,
        other.legal_name,
        lambda: threads.rfq_thread(user, rfq, seller.id),
    )


# --- the operator, on reported threads only ------------------------------------------


@bp.get("/reported")
def reported() -> ResponseReturnValue:
    if not can(signed_in_user(), Action.OPERATE):
        abort(404)
    return render_template("messages/reported.html", threads=oversight.reported_threads())


@bp.get("/reported/<public_id>")
def operator_read(public_id: str) -> ResponseReturnValue:
    if not can(signed_in_user(), Action.OPERATE):
        abort(404)
    found = oversight.operator_thread(acting(), public_id)
    return render_template(
        "messages/operator_thread.html", thread=found, messages=posting.thread_messages(found)
    )
