"""De-escalation Atlas: the UI-free library behind the map.

Zones (hand-digitised agreement areas) and events (read out of news articles) are loaded,
validated, filtered by date and exported here; ``app.py`` only wires widgets to these functions.
"""

from __future__ import annotations

__all__: list[str] = []
