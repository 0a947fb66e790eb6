"""The containers a shipment lists: ISO 6346 numbers and type codes, each once, and the
packing certificate IMDG 5.4.2 asks of whoever packed dangerous goods into one."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext

from app.models import ShipmentContainer
from app.services.errors import ValidationFailed

# ISO 6346: owner code and category (4 letters), serial number and check digit (7 digits).
_CONTAINER_NUMBER = re.compile(r"^[A-Z]{4}\d{7}$")
# ISO 6346 size and type code: length, height/width, type group, detail (22G1, 45G1, 22R1).
_CONTAINER_TYPE = re.compile(r"^[0-9A-Z]{2}[A-Z][0-9A-Z]$")
MAX_CONTAINERS = 200


@dataclass
class ContainerInput:
    container_number: str
    container_type: str
    seal_number: str | None = None
    packed_by: str | None = None
    packed_at: str | None = None
    packed_on: date | None = None


def checked_containers(
    entries: Sequence[ContainerInput], dangerous: bool
) -> list[ShipmentContainer]:
    containers: list[ShipmentContainer] = []
    numbers: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        number = (entry.container_number or "").strip().upper().replace(" ", "")
        kind = (entry.container_type or "").strip().upper()
        if not _CONTAINER_NUMBER.match(number):
            raise ValidationFailed(
                lazy_gettext(
                    "Container numbers are four letters and seven digits, e.g. MSCU1234567."
                ),
                "containers",
            )
        if number in numbers:
            raise ValidationFailed(
                lazy_gettext("Container %(number)s is listed twice.", number=number), "containers"
            )
        numbers.add(number)
        if not _CONTAINER_TYPE.match(kind):
            raise ValidationFailed(
                lazy_gettext(
                    "Give the container's ISO size and type code (e.g. 22G1 or 45G1) for "
                    "%(number)s.",
                    number=number,
                ),
                "containers",
            )
        packed_by = (entry.packed_by or "").strip()[:120] or None
        packed_at = (entry.packed_at or "").strip()[:100] or None
        if dangerous and not (packed_by and packed_at and entry.packed_on):
            # IMDG 5.4.2: whoever packed dangerous goods into the container certifies it.
            raise ValidationFailed(
                lazy_gettext(
                    "Container %(number)s carries dangerous goods: give its packing certificate "
                    "(who packed it, where and on which day).",
                    number=number,
                ),
                "containers",
            )
        containers.append(
            ShipmentContainer(
                position=position,
                container_number=number,
                container_type=kind,
                seal_number=(entry.seal_number or "").strip()[:40] or None,
                packed_by=packed_by,
                packed_at=packed_at,
                packed_on=entry.packed_on,
            )
        )
    if len(containers) > MAX_CONTAINERS:
        raise ValidationFailed(lazy_gettext("Too many containers on one shipment."), "containers")
    return containers
