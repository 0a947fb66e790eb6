"""The audit log reads as a person expects (issue 26's walk): every detail key the code
records has a label, amounts are money in the claim's currency, a claim is named by its
reference, internal ids by what they name, and the filter lists actions by their names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.extensions import db
from app.services.audit.naming import KNOWN_ACTIONS, action_groups
from app.services.audit.recording import Actor
from app.services.claims import decision, escalation, settlement
from app.web.operator.audit_labels import ACTION_LABELS, GROUP_LABELS
from app.web.operator.audit_view import DETAIL_LABELS
from tests.builders.claims import claim_on, delivered_paid
from tests.builders.trade import Trade, finance_of, make_trade
from tests.factories import UserFactory
from tests.support.auth import AuthActions
from tests.support.http import page_of

pytestmark = pytest.mark.usefixtures("exchange_rates")

APP = Path(__file__).parents[2] / "app"


def recorded_detail_keys() -> set[str]:
    """Each literal key of a ``details={...}`` passed to record_audit in app/."""
    keys: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name != "record_audit":
                continue
            for keyword in node.keywords:
                if keyword.arg == "details" and isinstance(keyword.value, ast.Dict):
                    keys |= {
                        key.value
                        for key in keyword.value.keys
                        if isinstance(key, ast.Constant) and isinstance(key.value, str)
                    }
    return keys


def test_every_recorded_detail_key_has_a_label() -> None:
    keys = recorded_detail_keys()
    assert {"awarded_minor", "asked_minor", "sha256", "expires_on"} <= keys
    stems = {key.removesuffix("_minor").removesuffix("_id") for key in keys} - {"currency"}
    assert sorted(stems - set(DETAIL_LABELS)) == []
    # Keys passed through helpers (**details) and a claim's settlement columns.
    for key in ("amount", "charges", "net", "version", "events", "credit_note", "settled_by"):
        assert key in DETAIL_LABELS
    for key in ("follow_up_order", "refund_method", "refund_reference", "outcome"):
        assert key in DETAIL_LABELS


def test_every_action_and_kind_has_a_name() -> None:
    assert sorted(set(KNOWN_ACTIONS) - set(ACTION_LABELS)) == []
    assert sorted(set(action_groups(KNOWN_ACTIONS)) - set(GROUP_LABELS)) == []


def rows_of(page: str) -> list[str]:
    body = page.split('id="audit-log"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr data-action=[^>]*>(.*?)</tr>", body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_a_decided_and_settled_claim_reads_by_reference_with_amounts_and_names(
    app: Flask, client: FlaskClient, auth: AuthActions, trade: Trade
) -> None:
    order = delivered_paid(app, trade)
    claim = claim_on(app, trade, order, "40")
    operator = UserFactory(operator=True, email="olga@corridor.example")
    with app.test_request_context():
        escalation.run_clocks(claim.auto_escalate_at)
        decision.decide(Actor(operator), claim, "refund", "30", "The certificate shows 12 short.")
        settlement.settle(Actor(finance_of(trade.seller)), claim, bank_reference="HBL-RET-7")
        db.session.commit()
    reference = claim.reference
    note_number = claim.credit_note.number if claim.credit_note else None
    assert note_number is not None
    auth.login(operator.email)
    page = page_of(client.get("/operator/audit?action=claim"))
    rows = rows_of(page)
    decided = next(row for row in rows if "claim.decision" in row)
    assert f"Claim {reference}" in decided and claim.public_id not in decided
    assert "Claim decision recorded" in decided
    assert "Amount awarded $30.00" in decided and "Remedy Refund" in decided
    filed = next(row for row in rows if "claim.filed" in row)
    assert "Amount asked $40.00" in filed and f"Order {order.reference}" in filed
    settled = next(row for row in rows if "claim.settlement" in row)
    assert f"Credit note {note_number}" in settled
    assert "Refund method Bank transfer" in settled and "Outcome Refunded" in settled
    assert "Refund reference HBL-RET-7" in settled
    for raw in ("awarded minor", "credit note id", "refund method", "settled by id", "{'"):
        assert raw not in page
    escalated = next(row for row in rows if "claim.escalated" in row)
    assert "From Open" in escalated


def test_the_action_filter_lists_actions_by_name(client: FlaskClient, auth: AuthActions) -> None:
    auth.login(UserFactory(operator=True).email)
    page = page_of(client.get("/operator/audit"))
    select = page.split('name="action"', 1)[1].split("</select>", 1)[0]
    options = dict(re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)</option>', select))
    assert options["claim.settlement"] == "Claim settlement booked"
    assert options["api_token"] == "All API token events"
    assert options["order.in_production"] == "Production started"
    assert all(text != value for value, text in options.items() if value)


@pytest.fixture
def trade() -> Trade:
    return make_trade()
