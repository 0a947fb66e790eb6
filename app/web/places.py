"""Place fields: a text box that suggests UN/LOCODE places as one types, and their search.

``PlaceField`` is a text field (it works without script: a typed name is matched to its
code by ``app.services.places.resolve_place`` when the form validates). With
``static/js/place-picker.js`` it becomes an ARIA combobox asking ``/places/search`` for
places whose code or name, in any script the table holds, contains the text.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import ValidationError
from wtforms.widgets import TextInput

from app.i18n import current_locale_code
from app.services.errors import ValidationFailed
from app.services.places import resolve_place as _resolve
from app.services.places import search_places
from app.web.guards import guard_blueprint

bp = Blueprint("places", __name__, url_prefix="/places")
# Anyone signed in: the list is public reference data, but the endpoint is not a public API.
guard_blueprint(bp, None)


@bp.get("/search")
def search() -> ResponseReturnValue:
    """``?q=kara&ports=1``: up to 12 places as JSON, best first."""
    query = request.args.get("q", "", type=str)[:100]
    ports_first = request.args.get("ports") == "1"
    hits = search_places(query, ports_first=ports_first, locale=current_locale_code())
    response = jsonify(places=[hit.as_json() for hit in hits])
    # Reference data that changes only with a migration: a minute in the browser is safe.
    response.cache_control.private = True
    response.cache_control.max_age = 60
    return response


class PlaceInput(TextInput):
    """The text box, marked up for the picker script (which builds the list box)."""

    def __init__(self, ports: bool) -> None:
        super().__init__()
        self.ports = ports

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("autocomplete", "off")
        kwargs["data-place-search"] = url_for("places.search")
        kwargs["data-ports"] = "1" if self.ports else "0"
        kwargs["data-no-match"] = gettext(
            "No place with a UN/LOCODE matches: your text will be kept as typed."
        )
        kwargs["data-count"] = gettext("%(count)s places found. Use the arrow keys to choose.")
        markup: Markup = super().__call__(field, **kwargs)
        return markup


class PlaceField(StringField):
    """A named place: ``Karachi (PKKHI)`` when it has a UN/LOCODE, else the typed text."""

    def __init__(self, *args: Any, ports: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("widget", PlaceInput(ports))
        super().__init__(*args, **kwargs)

    data: str | None

    def post_validate(self, form: Any, validation_stopped: bool) -> None:
        if validation_stopped or not self.data:
            return
        try:
            self.data = _resolve(self.data, field=self.name)
        except ValidationFailed as refused:
            raise ValidationError(str(refused)) from None
