"""WSGI entry for the benchmarks: the real app plus a trivial baseline route.

``gunicorn bench.wsgi_bench:app`` serves exactly what ``wsgi:app`` serves, with one more
route, ``/bench/hello``, that answers "hello" without touching the database. It runs
through the same app, hooks (NUL check, security headers, session, locale) and server
settings as the catalogue pages, so the ratio between the two measures the catalogue's own
cost. Production code never sees this route.
"""

from __future__ import annotations

from flask import Response

from app import create_app, settle_for_serving

app = create_app()


settle_for_serving()


@app.get("/bench/hello")
def bench_hello() -> Response:
    return Response("hello", mimetype="text/plain")
