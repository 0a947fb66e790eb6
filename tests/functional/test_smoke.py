from __future__ import annotations

from flask.testing import FlaskClient

from tests.factories import UserFactory
from tests.support.auth import AuthActions


def test_owner_signs_in_and_reaches_company_page(client: FlaskClient, auth: AuthActions) -> None:
    user = UserFactory(email="owner@example.com")
    response = auth.login("owner@example.com")
    assert response.status_code == 302
    # The owner of a selling company lands on the seller's home with what waits (issue 26).
    assert response.headers["Location"] == "/seller/"
    page = client.get("/company/")
    assert page.status_code == 200
    assert user.company.legal_name.encode() in page.data


def test_wrong_password_is_refused(client: FlaskClient, auth: AuthActions) -> None:
    UserFactory(email="owner@example.com")
    response = auth.login("owner@example.com", "not the right password at all")
    assert response.status_code == 200
    assert b"The e-mail or password is not right." in response.data
    assert client.get("/company/").status_code == 302
