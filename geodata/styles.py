"""How the map's layers are named and coloured, and how events fade: constants only, so the live
map's configuration (:func:`geodata.livemap.map_config`) is made without the data stack (the app's
light path, :mod:`geodata.map_cache`). :mod:`geodata.layers` re-exports them beside the rules that
use them (tooltips, fading, what can be drawn).

Zone kinds and event kinds have colour-blind-safe colours (Paul Tol's "bright" scheme for zones,
Okabe-Ito for events).
"""

from __future__ import annotations

from dataclasses import dataclass

from geodata.view import IMPORTED, REFERENCE

__all__ = [
    "EVENT_STYLES", "FADE_DAYS_ALL", "IMPORTED_RING", "IMPORTED_STYLE", "LAYER_STYLES", "OLDEST_OPACITY",
    "OSM_ATTRIBUTION", "REFERENCE_ATTRIBUTION", "REFERENCE_STYLE", "ZONE_STYLES", "LayerStyle",
]  # fmt: skip

#: Fading: an event at the far end of the window keeps this fraction of its opacity.
OLDEST_OPACITY: float = 0.3
#: Window used for fading when the window is "all".
FADE_DAYS_ALL: int = 365


@dataclass(frozen=True)
class LayerStyle:
    """How a layer key is drawn and named."""

    label: str
    colour: str


ZONE_STYLES: dict[str, LayerStyle] = {
    "de_escalation_zone": LayerStyle("De-escalation zones", "#4477AA"),
    "demilitarized_zone": LayerStyle("Demilitarized zone", "#EE6677"),
    "security_corridor": LayerStyle("Security corridor (M4)", "#CCBB44"),
    "patrol_area": LayerStyle("Patrol areas", "#228833"),
    "patrol_route": LayerStyle("Patrol routes", "#AA3377"),
    "observation_post": LayerStyle("Observation posts", "#222222"),
}
EVENT_STYLES: dict[str, LayerStyle] = {
    "patrol": LayerStyle("Patrols", "#0072B2"),
    "agreement": LayerStyle("Agreements", "#009E73"),
    "talks": LayerStyle("Talks", "#56B4E9"),
    "attack": LayerStyle("Attacks", "#D55E00"),
    "displacement": LayerStyle("Displacement", "#E69F00"),
    "statement": LayerStyle("Statements", "#CC79A7"),
    "deployment": LayerStyle("Deployments", "#000000"),
    "other": LayerStyle("Other events", "#999999"),
}
REFERENCE_STYLE = LayerStyle("Reference: Syria and governorates (UN OCHA)", "#6b6b6b")
IMPORTED_STYLE = LayerStyle("Imported events (ACLED, UCDP)", "#333333")
IMPORTED_RING = IMPORTED_STYLE.colour
LAYER_STYLES: dict[str, LayerStyle] = {
    **ZONE_STYLES,
    **EVENT_STYLES,
    IMPORTED: IMPORTED_STYLE,
    REFERENCE: REFERENCE_STYLE,
}

OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
REFERENCE_ATTRIBUTION = "Boundaries: UN OCHA / UNCS COD-AB Syria v02 (CC BY 3.0 IGO)"
