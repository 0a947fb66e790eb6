"""WSGI entry point: ``gunicorn wsgi:app``."""

from app import create_app, settle_for_serving

app = create_app()
settle_for_serving()
