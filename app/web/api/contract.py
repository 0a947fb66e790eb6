"""Each API endpoint declared once: ``@operation`` names its request and response models.

The same Pydantic models validate what comes in, shape what goes out and make the OpenAPI
3.1 document (``app.web.api.openapi``), so the document cannot drift from the code. A
request that does not fit its model is refused here with the API's one error shape
(``app.web.errors.render_error``), naming the field by its path in the request
(``lines[2].quantity``) and in the token owner's language; the view only ever sees a
valid model.

Views return a model (200), ``(model, status)`` or ``(model, status, headers)``; anything
else (a ``Response``, ``render_error(...)``, a file) passes through untouched.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any, ParamSpec, TypeAlias

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext, lazy_gettext
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from app.web.errors import render_error

P = ParamSpec("P")

# What a view under ``@operation`` returns: a model, ``(model, status)``,
# ``(model, status, headers)``, or any ordinary Flask answer (an error, a file).
ApiAnswer: TypeAlias = (
    BaseModel
    | tuple[BaseModel, int]
    | tuple[BaseModel, int, Mapping[str, str]]
    | ResponseReturnValue
)

# Statuses every authenticated operation may answer besides its own: a malformed request,
# no valid token, a role that may not, nothing of the company's by that id, a refused
# value, a throttled caller.
COMMON_ERRORS = (400, 401, 403, 404, 422, 429)


class RequestModel(BaseModel):
    """A request body or query: keys the model does not know are ignored, as ERPs send
    more than we read; a value of the wrong JSON type is refused, never coerced."""

    model_config = ConfigDict(extra="ignore", strict=True)


class QueryModel(BaseModel):
    """Query parameters arrive as text, so they are converted (``limit=20`` is a number)."""

    model_config = ConfigDict(extra="forbid")


class ResponseModel(BaseModel):
    """An answer: every field is always present (``null`` when empty)."""

    model_config = ConfigDict(extra="forbid", json_schema_serialization_defaults_required=True)


def _storable(value: str) -> str:
    """A string the database can store: no NUL, no lone UTF-16 surrogate (JSON allows both)."""
    if "\x00" in value:
        raise PydanticCustomError("text", "must be text")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("text", "must be text") from None
    return value


# Text in a request: always use this rather than ``str``.
Text = Annotated[str, AfterValidator(_storable)]

# Money travels as a decimal string in the currency's minor-unit precision, never a float;
# a unit price may carry two decimals more ("0.2524" USD a kilogram).
Amount = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["2000.00"])]


@dataclass(frozen=True)
class Operation:
    """What ``@operation`` knows of one view; ``app.web.api.openapi`` reads it."""

    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    responses: Mapping[int, type[BaseModel] | None]
    errors: tuple[int, ...]
    tags: tuple[str, ...]
    public: bool
    idempotent: bool
    # Non-JSON answers by status, for the document: {200: {"application/pdf": {}}}.
    content: Mapping[int, Mapping[str, Any]] = field(default_factory=dict)
    # Request bodies the view takes besides JSON, for the document: {"application/xml": {}}.
    body_content: Mapping[str, Any] = field(default_factory=dict)


OPERATION_ATTRIBUTE = "__api_operation__"


def operation(
    *,
    responses: Mapping[int, type[BaseModel] | None],
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    errors: Sequence[int] = (),
    tags: Sequence[str] = (),
    summary: str | None = None,
    public: bool = False,
    idempotent: bool = False,
    content: Mapping[int, Mapping[str, Any]] | None = None,
    body_content: Mapping[str, Any] | None = None,
) -> Callable[[Callable[P, ApiAnswer]], Callable[P, ResponseReturnValue]]:
    """Declare an API view; put it *under* the blueprint's route decorator.

    ``body``/``query``: the models the request must fit; the view receives the validated
    instance as the ``body=``/``query=`` keyword. ``responses``: status → model (``None``
    for an empty or non-JSON answer, described by ``content``). ``errors``: statuses beyond
    :data:`COMMON_ERRORS`, such as 409. ``idempotent`` documents the ``Idempotency-Key``
    header the view honours. ``body_content``: media types the request body may have
    besides JSON (taken before the view, e.g. ``app.web.api.order_xml``), for the document.
    """

    def decorate(view: Callable[P, ApiAnswer]) -> Callable[P, ResponseReturnValue]:
        spec = Operation(
            summary=summary or (view.__doc__ or view.__name__).strip().splitlines()[0],
            body=body,
            query=query,
            responses=dict(responses),
            errors=tuple(sorted({*COMMON_ERRORS, *errors})),
            tags=tuple(tags),
            public=public,
            idempotent=idempotent,
            content=dict(content or {}),
            body_content=dict(body_content or {}),
        )

        @functools.wraps(view)
        def run(*args: P.args, **kwargs: P.kwargs) -> ResponseReturnValue:
            if query is not None:
                try:
                    kwargs["query"] = query.model_validate(request.args.to_dict())
                except ValidationError as error:
                    return refusal(error)
            if body is not None:
                payload = json_object()
                if payload is None:
                    return render_error(400, gettext("Send the request body as a JSON object."))
                try:
                    kwargs["body"] = body.model_validate(payload)
                except ValidationError as error:
                    return refusal(error)
            return answer(view(*args, **kwargs))

        setattr(run, OPERATION_ATTRIBUTE, spec)
        return run

    return decorate


def json_object() -> dict[str, Any] | None:
    """The request body as a JSON object, whatever its content type (an ERP that forgets
    the header still means JSON); None when it is not one."""
    try:
        payload = request.get_json(force=True, silent=True)
    except RecursionError:  # nesting deep enough to exhaust the parser
        return None
    return payload if isinstance(payload, dict) else None


def answer(result: ApiAnswer) -> ResponseReturnValue:
    """A model (or ``(model, status[, headers])``) as JSON; anything else as it is."""
    if isinstance(result, BaseModel):
        return jsonify(result.model_dump(mode="json"))
    if isinstance(result, tuple) and result and isinstance(result[0], BaseModel):
        response: Response = jsonify(result[0].model_dump(mode="json"))
        response.status_code = int(result[1])  # type: ignore[arg-type]
        if len(result) > 2:
            response.headers.update(result[2])  # type: ignore[misc]
        return response
    return result  # type: ignore[return-value]


def error_path(location: Sequence[int | str]) -> str:
    """``("lines", 2, "quantity")`` → ``lines[2].quantity``."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def _message(detail: ErrorDetails, name: str) -> str:
    """Pydantic's English replaced by our own words, translated for the token's owner."""
    kind = detail["type"]
    context = detail.get("ctx") or {}
    if kind == "missing":
        return str(lazy_gettext("Send %(field)s.", field=name))
    if kind in {"string_type", "text"}:
        return str(lazy_gettext("%(field)s must be text.", field=name))
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return str(lazy_gettext("Give %(field)s as a whole number.", field=name))
    if kind in {"list_type", "tuple_type"}:
        return str(lazy_gettext('Send "%(field)s" as a list.', field=name))
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return str(lazy_gettext('Send "%(field)s" as a JSON object.', field=name))
    if kind in {"bool_type", "bool_parsing"}:
        return str(lazy_gettext("%(field)s must be true or false.", field=name))
    if kind in {"date_type", "date_parsing", "date_from_datetime_parsing"}:
        return str(lazy_gettext("Give the date as YYYY-MM-DD."))
    if kind in {"datetime_type", "datetime_parsing", "datetime_from_date_parsing"}:
        return str(lazy_gettext("Give the time as ISO 8601, such as 2026-03-01T08:00:00Z."))
    if kind == "string_too_long":
        return str(
            lazy_gettext(
                "%(field)s cannot be longer than %(max)s characters.",
                field=name,
                max=context.get("max_length"),
            )
        )
    if kind == "string_too_short":
        return str(lazy_gettext("%(field)s is too short.", field=name))
    if kind in {"too_long", "too_short"}:
        return str(lazy_gettext("%(field)s has too many or too few items.", field=name))
    if kind in {"enum", "literal_error"}:
        expected = context.get("expected")
        return str(
            lazy_gettext("%(field)s must be one of: %(values)s.", field=name, values=expected)
        )
    if kind in {"less_than_equal", "greater_than_equal", "less_than", "greater_than"}:
        return str(lazy_gettext("%(field)s is out of range.", field=name))
    if kind == "extra_forbidden":
        return str(lazy_gettext("%(field)s is not a parameter of this request.", field=name))
    return str(lazy_gettext("%(field)s is not valid.", field=name))


def refusal(error: ValidationError) -> ResponseReturnValue:
    """The first fault of a request that does not fit its model: 422, named by its path."""
    details = error.errors(include_url=False)
    detail = details[0]
    # A union's failed branch adds its type name to the location ("int", "str"): dropped,
    # the ERP only needs to know which of its fields is wrong.
    location = [
        part
        for part in detail["loc"]
        if isinstance(part, int) or (part.replace("_", "").isalnum() and not _is_type_tag(part))
    ]
    path = error_path(location)
    names = [part for part in location if isinstance(part, str)]
    name = names[-1] if names else "body"
    if _figure_refused(details):
        # A figure (a quantity, a price) takes text for its decimals or a whole number:
        # a JSON float such as 12.5 fails both branches, and "whole number" alone would
        # send the ERP the wrong way (issue #20).
        message = str(
            lazy_gettext('Give %(field)s as text such as "12.5", or as a whole number.', field=name)
        )
        return render_error(422, message, name, path=path or None)
    return render_error(422, _message(detail, name), name, path=path or None)


def _figure_refused(details: list[ErrorDetails]) -> bool:
    """Both branches of a whole-number-or-text union failed at the same place."""
    if len(details) < 2:
        return False
    first, second = details[0]["loc"], details[1]["loc"]
    text_branch = str(second[-1]) if second else ""
    # The text branch is named by its type, or by its validator ("function-after[…, str]").
    return (
        first[-1:] == ("int",)
        and (text_branch == "str" or text_branch.endswith(", str]"))
        and first[:-1] == second[:-1]
    )


def _is_type_tag(part: str) -> bool:
    """The names pydantic puts in a location for a union branch (``int``, ``str``...)."""
    return part in {"int", "str", "float", "bool", "list", "dict", "none", "date", "datetime"}
