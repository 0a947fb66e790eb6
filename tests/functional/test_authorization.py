"""Who may open which workspace: the whole matrix, and the one check before trading."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
from flask.testing import FlaskClient

from app.models import CompanyRole, User
from app.services.accounts.companies import ensure_can_trade
from app.services.errors import CompanyNotVerified
from tests.factories import CompanyFactory, UserFactory
from tests.support.auth import TEST_PASSWORD, AuthActions

COMPANY = "/company/"
SELLER = "/seller/"
BUYER = "/buyer/"
FINANCE = "/finance/"
OPERATOR_COMPANIES = "/operator/companies"
OPERATOR_AUDIT = "/operator/audit"
ACCOUNT = "/account/"
PAGES = [COMPANY, SELLER, BUYER, FINANCE, OPERATOR_COMPANIES, OPERATOR_AUDIT, ACCOUNT]

# What a company does: (sells, buys).
COMPANY_KINDS = {"selling": (True, False), "buying": (False, True), "both": (True, True)}


@dataclass(frozen=True)
class Actor:
    label: str
    kind: str  # "anonymous", "operator" or "staff"
    role: CompanyRole | None = None
    sells: bool = False
    buys: bool = False


ACTORS = [
    Actor("anonymous", "anonymous"),
    Actor("operator", "operator"),
    *(
        Actor(f"{role.value}-of-{kind}-company", "staff", role, sells, buys)
        for kind, (sells, buys) in COMPANY_KINDS.items()
        for role in CompanyRole
    ),
]


def allowed_pages(actor: Actor) -> set[str]:
    """The expected table, written out from the product's rules."""
    if actor.kind == "anonymous":
        return set()
    if actor.kind == "operator":
        return {OPERATOR_COMPANIES, OPERATOR_AUDIT, ACCOUNT}
    pages = {ACCOUNT}
    if actor.role is CompanyRole.OWNER:
        pages |= {COMPANY, FINANCE}
        if actor.sells:
            pages.add(SELLER)
        if actor.buys:
            pages.add(BUYER)
    elif actor.role is CompanyRole.SALES:
        if actor.sells:
            pages.add(SELLER)
    elif actor.role is CompanyRole.PURCHASER:
        if actor.buys:
            pages.add(BUYER)
    elif actor.role is CompanyRole.FINANCE:
        pages.add(FINANCE)
    elif actor.role is CompanyRole.VIEWER:
        if actor.sells:
            pages.add(SELLER)
        if actor.buys:
            pages.add(BUYER)
    return pages


def make_user(actor: Actor) -> User:
    if actor.kind == "operator":
        operator: User = UserFactory(operator=True)
        return operator
    company = CompanyFactory(sells=actor.sells, buys=actor.buys)
    staff: User = UserFactory(company=company, company_role=actor.role)
    return staff


def test_the_matrix_covers_every_rule() -> None:
    # Guard against a table that allows (or forbids) everything by mistake.
    assert len(ACTORS) == 2 + len(COMPANY_KINDS) * len(CompanyRole)
    for page in PAGES:
        allowed = [actor.label for actor in ACTORS if page in allowed_pages(actor)]
        denied = [actor.label for actor in ACTORS[1:] if page not in allowed_pages(actor)]
        assert allowed, page
        if page != ACCOUNT:
            assert denied, page


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("actor", ACTORS, ids=lambda actor: actor.label)
def test_access(client: FlaskClient, auth: AuthActions, actor: Actor, page: str) -> None:
    if actor.kind == "anonymous":
        response = client.get(page)
        assert response.status_code == 302
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login"
        assert parse_qs(location.query)["next"] == [page]
        return

    user = make_user(actor)
    assert auth.login(user.email).status_code == 302

    response = client.get(page)

    if page in allowed_pages(actor):
        assert response.status_code == 200
    else:
        assert response.status_code == 403
        text = response.get_data(as_text=True)
        assert "Not allowed" in text
        assert "Your role does not give access to this page." in text


@pytest.mark.parametrize(
    ("locale", "html_lang", "title", "message"),
    [
        ("zh_Hans", "zh-Hans", "不允许访问", "您的角色无权访问此页面。"),
        ("ur", "ur", "اجازت نہیں", "آپ کے کردار کو اس صفحے تک رسائی حاصل نہیں۔"),
    ],
    ids=["chinese", "urdu"],
)
def test_refusal_page_speaks_the_users_language(
    client: FlaskClient, auth: AuthActions, locale: str, html_lang: str, title: str, message: str
) -> None:
    user = UserFactory(company_role=CompanyRole.SALES, locale=locale)
    auth.login(user.email)

    response = client.get(FINANCE)

    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert f'<html lang="{html_lang}"' in text
    assert title in text
    assert message in text
    assert "Not allowed" not in text


def test_anonymous_visitor_is_asked_to_sign_in_and_returned(
    client: FlaskClient, auth: AuthActions
) -> None:
    user = UserFactory(company_role=CompanyRole.FINANCE)

    sent = client.get(FINANCE, follow_redirects=True)

    assert "Please sign in to open that page." in sent.get_data(as_text=True)
    response = client.post(
        "/login", data={"email": user.email, "password": TEST_PASSWORD, "next": FINANCE}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == FINANCE


@pytest.mark.usefixtures("app_ctx")
def test_verified_company_may_trade() -> None:
    ensure_can_trade(CompanyFactory())


@pytest.mark.usefixtures("app_ctx")
def test_pending_company_may_not_trade_yet() -> None:
    with pytest.raises(CompanyNotVerified) as refusal:
        ensure_can_trade(CompanyFactory(pending=True))

    assert str(refusal.value) == (
        "Your company is waiting for verification by the platform operator. You can prepare"
        " now and trade once it is verified."
    )


@pytest.mark.usefixtures("app_ctx")
def test_suspended_company_may_not_trade() -> None:
    with pytest.raises(CompanyNotVerified) as refusal:
        ensure_can_trade(CompanyFactory(suspended=True))

    assert str(refusal.value) == (
        "Your company is suspended by the platform operator. Contact the operator to trade again."
    )
