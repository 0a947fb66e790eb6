"""Blueprints per actor, error pages, and the helpers views share."""

from __future__ import annotations

from flask import Flask, request

from app import public_urls


def register_blueprints(app: Flask) -> None:
    from app.web import boundary, guards, reader_titles
    from app.web.account.views import bp as account_bp
    from app.web.api.openapi import docs_bp as api_docs_bp
    from app.web.api.views import bp as api_bp
    from app.web.auth.views import bp as auth_bp
    from app.web.buyer import bp as buyer_bp
    from app.web.catalog.views import bp as catalog_bp
    from app.web.claims import bp as claims_bp
    from app.web.claims import verify_bp as claim_verify_bp
    from app.web.company import api_tokens as _api_token_routes  # noqa: F401 - on company_bp
    from app.web.company import letterhead as _letterhead_routes  # noqa: F401 - on company_bp
    from app.web.company import webhooks as _webhook_routes  # noqa: F401 - on company_bp
    from app.web.company.views import bp as company_bp
    from app.web.documents.views import bp as documents_bp
    from app.web.documents.views import verify_bp
    from app.web.finance import bp as finance_bp
    from app.web.forms import form_problems
    from app.web.letters_of_credit import bp as credits_bp
    from app.web.letters_of_credit import verify_bp as credit_verify_bp
    from app.web.licences import authority_bp
    from app.web.licences import bp as licences_bp
    from app.web.licences import review_bp as licence_review_bp
    from app.web.media.views import bp as media_bp
    from app.web.messages import bp as messages_bp
    from app.web.operator import bp as operator_bp
    from app.web.payments import bp as payments_bp
    from app.web.payments.webhook import bp as webhooks_bp
    from app.web.places import bp as places_bp
    from app.web.public.views import bp as public_bp
    from app.web.seller import bp as seller_bp
    from app.web.statistics import bp as statistics_bp

    for blueprint in (
        public_bp,
        auth_bp,
        account_bp,
        company_bp,
        operator_bp,
        seller_bp,
        buyer_bp,
        finance_bp,
        catalog_bp,
        statistics_bp,
        media_bp,
        messages_bp,
        documents_bp,
        verify_bp,
        payments_bp,
        credit_verify_bp,
        credits_bp,
        claim_verify_bp,
        claims_bp,
        places_bp,
        licences_bp,
        licence_review_bp,
        authority_bp,
        webhooks_bp,
        api_bp,
        api_docs_bp,
    ):
        app.register_blueprint(blueprint)
    from app.web.operations import requests as operations_requests
    from app.web.operations.views import bp as operations_bp

    app.register_blueprint(operations_bp)
    # Before the boundary: its after_request (the commit) then runs first and is timed.
    operations_requests.init_app(app)
    boundary.init_app(app)
    operations_requests.note_identity_before_commit(app)
    guards.init_app(app)
    reader_titles.init_app(app)
    app.jinja_env.globals["form_problems"] = form_problems

    @app.before_request
    def _remember_serving_base() -> None:
        # Development without a configured address: links name the address being served.
        if not app.config.get("PUBLIC_BASE_URL"):
            public_urls.remember_serving_base(request.host_url)
