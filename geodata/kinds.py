"""The zone kinds and event kinds, the layers' vocabularies: here, with the standard library alone,
so the map's page half (:mod:`geodata.livemap`, :mod:`geodata.view`) names them without importing
pydantic (about 0.2 s of a fresh server's first map); :mod:`geodata.schema` re-exports them beside
the models that use them."""

from __future__ import annotations

from typing import Literal, get_args

__all__ = ["EVENT_KINDS", "ZONE_KINDS", "EventKind", "ZoneKind"]

ZoneKind = Literal[
    "de_escalation_zone",
    "demilitarized_zone",
    "security_corridor",
    "patrol_area",
    "patrol_route",
    "observation_post",
]
ZONE_KINDS: tuple[str, ...] = get_args(ZoneKind)

EventKind = Literal[
    "patrol", "agreement", "talks", "attack", "displacement", "statement", "deployment", "other"
]
EVENT_KINDS: tuple[str, ...] = get_args(EventKind)
