"""The OpenAPI 3.1 document of ``/api/v1``, made from the routes and their ``@operation``
models, served at ``/api/v1/openapi.json``; and ``/api/docs``, the page people read it on.

Nothing here is written by hand per endpoint: a route with ``@operation`` is in the
document, with the JSON Schema (2020-12, OpenAPI 3.1's own dialect) Pydantic makes of
its models. The page is Swagger UI served from ``static/vendor`` (``make assets``), with
no inline script, under the site's Content-Security-Policy.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, render_template
from flask.typing import ResponseReturnValue
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from werkzeug.routing import Rule

from app.web.api.contract import OPERATION_ATTRIBUTE, Operation, ResponseModel
from app.web.api.views import bp

docs_bp = Blueprint("api_docs", __name__)

DOCUMENT_ENDPOINT = "api.openapi_document"
_CACHE_KEY = "corridor_openapi_document"
_PARAMETER = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")
_REF = "#/components/schemas/{model}"


class ApiError(ResponseModel):
    """Every error of the API (docs/API.md, "Errors").

    ``error`` is the HTTP status (kept for clients written before ``code``); ``field`` and
    ``path`` are there only when the refusal names a field: ``path`` says where in the
    request, line index included (``lines[2].quantity``).
    """

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=False)

    error: int = Field(examples=[422])
    code: str = Field(examples=["invalid"])
    message: str = Field(description="In the token owner's language.")
    field: str | None = Field(None, examples=["quantity"])
    path: str | None = Field(None, examples=["lines[2].quantity"])


def _path(rule: Rule) -> tuple[str, list[dict[str, Any]]]:
    """``/orders/<public_id>`` → ``/orders/{public_id}`` and its path parameters."""
    parameters: list[dict[str, Any]] = []

    def swap(match: re.Match[str]) -> str:
        kind = "integer" if match["converter"] == "int" else "string"
        parameters.append(
            {"name": match["name"], "in": "path", "required": True, "schema": {"type": kind}}
        )
        return "{" + match["name"] + "}"

    return _PARAMETER.sub(swap, rule.rule), parameters


def _operations(app: Flask) -> list[tuple[Rule, str, Operation]]:
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        spec: Operation | None = getattr(view, OPERATION_ATTRIBUTE, None)
        if spec is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule, method.lower(), spec))
    return sorted(found, key=lambda item: (item[0].rule, item[1]))


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def build_document(app: Flask) -> dict[str, Any]:
    """The whole document; cheap enough to build once per process."""
    operations = _operations(app)
    wanted: set[tuple[type[BaseModel], JsonSchemaMode]] = {(ApiError, "serialization")}
    for _rule, _method, spec in operations:
        for model in (spec.body, spec.query):
            if model is not None:
                wanted.add((model, "validation"))
        for answer in spec.responses.values():
            if answer is not None:
                wanted.add((answer, "serialization"))
    ordered = sorted(wanted, key=lambda item: (item[0].__name__, item[1]))
    refs, definitions = models_json_schema(ordered, ref_template=_REF)
    components: dict[str, Any] = definitions.get("$defs", {})

    def schema_of(model: type[BaseModel], mode: JsonSchemaMode) -> dict[str, Any]:
        return dict(refs[(model, mode)])

    error_ref = schema_of(ApiError, "serialization")
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, spec in operations:
        path, parameters = _path(rule)
        if spec.query is not None:
            name = schema_of(spec.query, "validation")["$ref"].rsplit("/", 1)[-1]
            query_schema = components[name]
            required = set(query_schema.get("required", []))
            for key, schema in query_schema.get("properties", {}).items():
                parameters.append(
                    {"name": key, "in": "query", "required": key in required, "schema": schema}
                )
        if spec.idempotent:
            parameters.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": False,
                    "description": "Sent again with the same key, the first answer comes back.",
                    "schema": {"type": "string", "maxLength": 64},
                }
            )
        responses: dict[str, Any] = {}
        for status, answer in sorted(spec.responses.items()):
            entry: dict[str, Any] = {"description": _status_text(status)}
            if answer is not None:
                entry["content"] = _json(schema_of(answer, "serialization"))
            elif status in spec.content:
                entry["content"] = dict(spec.content[status])
            responses[str(status)] = entry
        for status in spec.errors:
            responses.setdefault(
                str(status), {"description": _status_text(status), "content": _json(error_ref)}
            )
        entry = {
            "operationId": rule.endpoint.replace(".", "_")
            + ("" if method == "get" else f"_{method}"),
            "summary": spec.summary,
            "tags": list(spec.tags),
            "parameters": parameters,
            "responses": responses,
        }
        if spec.body is not None or spec.body_content:
            entry["requestBody"] = {
                "required": True,
                "content": {
                    **(_json(schema_of(spec.body, "validation")) if spec.body else {}),
                    **{kind: dict(media) for kind, media in spec.body_content.items()},
                },
            }
        if spec.public:
            entry["security"] = []
        paths.setdefault(path, {})[method] = entry
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Corridor API",
            "version": "1",
            "description": (
                "Orders in, documents out, for the ERPs of Pakistan–China importers and "
                "exporters. Authenticate with a personal API token: "
                "`Authorization: Bearer <token>`. Money is a decimal string; every error "
                "has the shape of `ApiError`."
            ),
        },
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token (Account → API tokens).",
                }
            },
        },
    }


# The document is one for all readers, so its descriptions are English.
_STATUS_TEXT = {
    200: "OK",
    201: "Created",
    204: "No content",
    304: "Not modified",
    400: "The request could not be read (not a JSON object, a bad header)",
    401: "No valid API token",
    403: "The token's role may not do this",
    404: "Nothing by that id, or not the token's company's to see",
    409: "The state changed meanwhile (stock ran out, a newer version)",
    422: "A value was refused; `path` says which",
    429: "Too many requests; wait and try again",
}


def _status_text(status: int) -> str:
    return _STATUS_TEXT.get(status, "See docs/API.md")


@bp.get("/openapi.json")
def openapi_document() -> ResponseReturnValue:
    """The document; public, as it says nothing about anyone's data."""
    document = current_app.extensions.get(_CACHE_KEY)
    if document is None:
        document = current_app.extensions[_CACHE_KEY] = build_document(current_app)
    return jsonify(document)


@docs_bp.get("/api/docs")
def page() -> ResponseReturnValue:
    return render_template("api/docs.html")
