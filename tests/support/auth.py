"""Signing in as a person would: the password every test user has, and the real forms."""

from __future__ import annotations

from flask.testing import FlaskClient

TEST_PASSWORD = "correct horse battery staple"


class AuthActions:
    """Sign in and out through the real forms, as a person would."""

    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **kwargs: object):  # type: ignore[no-untyped-def]
        return self._client.post("/login", data={"email": email, "password": password}, **kwargs)

    def logout(self):  # type: ignore[no-untyped-def]
        return self._client.post("/logout")
