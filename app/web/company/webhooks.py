"""The owner's webhooks page: endpoints, their secrets (shown once), deliveries, resends.

Routes on the company blueprint (owner area, ``Action.COMPANY_AREA``); every change goes
through ``app.services.webhooks.endpoints``, which asks ``Action.MANAGE_WEBHOOKS`` and
audits. Ids in URLs are looked up within the owner's company: another's is a 404.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from app.models import WebhookDelivery, WebhookEndpoint
from app.services.webhooks import endpoints as service
from app.services.webhooks.catalogue import EVENT_KINDS
from app.web.boundary import attempt
from app.web.company.views import bp
from app.web.forms import CorridorForm
from app.web.guards import acting, signed_in_user


class EventsField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class EndpointForm(CorridorForm):
    url = StringField(
        _l("Address (URL)"),
        [DataRequired(_l("Give the address that receives the events.")), Length(max=500)],
        description=_l("An https:// address on your server, reachable from the internet."),
    )
    events = EventsField(_l("Events to send"))


class EventsForm(CorridorForm):
    events = EventsField(_l("Events to send"))


class ActionForm(CorridorForm):
    """The CSRF token only."""


def _event_choices() -> list[tuple[str, str]]:
    return [(kind, f"{kind} — {label}") for kind, label in EVENT_KINDS.items()]


def _company_id() -> int:
    company_id = signed_in_user().company_id
    assert company_id is not None
    return company_id


def _endpoint(public_id: str) -> WebhookEndpoint:
    endpoint = service.company_endpoint(_company_id(), public_id)
    if endpoint is None:
        abort(404)
    return endpoint


def _delivery(public_id: str) -> WebhookDelivery:
    delivery = service.company_delivery(_company_id(), public_id)
    if delivery is None:
        abort(404)
    return delivery


def _list_page(form: EndpointForm | None = None, secret: str | None = None) -> str:
    if form is None:
        form = EndpointForm()
        form.events.data = list(EVENT_KINDS)
    form.events.choices = _event_choices()
    return render_template(
        "company/webhooks.html",
        form=form,
        endpoints=service.company_endpoints(_company_id()),
        secret=secret,
        action_form=ActionForm(),
    )


def _endpoint_page(endpoint: WebhookEndpoint, secret: str | None = None) -> str:
    events_form = EventsForm()
    events_form.events.choices = _event_choices()
    events_form.events.data = list(endpoint.events)
    return render_template(
        "company/webhook.html",
        endpoint=endpoint,
        deliveries=service.recent_deliveries(endpoint),
        secret=secret,
        events_form=events_form,
        action_form=ActionForm(),
    )


@bp.get("/webhooks")
def webhooks() -> ResponseReturnValue:
    return _list_page()


@bp.post("/webhooks")
def register_webhook() -> ResponseReturnValue:
    company = signed_in_user().company
    assert company is not None
    form = EndpointForm()
    form.events.choices = _event_choices()
    if form.validate_on_submit():
        outcome = attempt(
            lambda: service.register(
                acting(), company, form.url.data or "", form.events.data or []
            ),
            form,
        )
        if outcome.ok and outcome.value is not None:
            # The secret is rendered into this one answer, never kept in the session.
            return _endpoint_page(outcome.value.endpoint, outcome.value.secret)
    return _list_page(form), 422


@bp.get("/webhooks/<public_id>")
def webhook(public_id: str) -> ResponseReturnValue:
    return _endpoint_page(_endpoint(public_id))


@bp.post("/webhooks/<public_id>/events")
def webhook_events(public_id: str) -> ResponseReturnValue:
    endpoint = _endpoint(public_id)
    form = EventsForm()
    form.events.choices = _event_choices()
    chosen = form.events.data or []
    if (
        form.validate_on_submit()
        and attempt(lambda: service.change_events(acting(), endpoint, chosen)).ok
    ):
        flash(gettext("Saved."), "success")
    return redirect(url_for("company.webhook", public_id=endpoint.public_id))


@bp.post("/webhooks/<public_id>/roll-secret")
def roll_webhook_secret(public_id: str) -> ResponseReturnValue:
    endpoint = _endpoint(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    outcome = attempt(lambda: service.roll_secret(acting(), endpoint))
    if outcome.ok and outcome.value is not None:
        return _endpoint_page(endpoint, outcome.value.secret)
    return redirect(url_for("company.webhook", public_id=endpoint.public_id))


_SIMPLE_ACTIONS = {
    "end-rotation": (service.end_rotation, _l("Events are now signed with the new secret only.")),
    "enable": (service.enable, _l("Enabled: events are sent again.")),
    "disable": (service.disable, _l("Disabled: no events are sent.")),
}


@bp.post("/webhooks/<public_id>/<any('end-rotation', 'enable', 'disable'):action>")
def webhook_action(public_id: str, action: str) -> ResponseReturnValue:
    endpoint = _endpoint(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    change, done = _SIMPLE_ACTIONS[action]
    if attempt(lambda: change(acting(), endpoint)).ok:
        flash(str(done), "success")
    return redirect(url_for("company.webhook", public_id=endpoint.public_id))


@bp.post("/webhooks/<public_id>/remove")
def remove_webhook(public_id: str) -> ResponseReturnValue:
    endpoint = _endpoint(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if attempt(lambda: service.remove(acting(), endpoint)).ok:
        flash(gettext("Removed: no events are sent to it."), "success")
        return redirect(url_for("company.webhooks"))
    return redirect(url_for("company.webhook", public_id=endpoint.public_id))


@bp.post("/webhooks/deliveries/<public_id>/resend")
def resend_webhook(public_id: str) -> ResponseReturnValue:
    delivery = _delivery(public_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if attempt(lambda: service.resend(acting(), delivery)).ok:
        flash(gettext("Sent again: the attempt shows below in a moment."), "success")
    return redirect(url_for("company.webhook", public_id=delivery.endpoint.public_id))
