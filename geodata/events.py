"""Events read out of news articles: what happened (or is planned), when, where, who.

This module is the front door of the events pipeline; the work is done in small stages, each a
module of its own (spaCy's design: each stage reads and adds to what the one before made):

1. :mod:`geodata.sentences`: body paragraphs (never titles, captions, clutter or comments, see
   :mod:`geodata.articles`) tokenised and split into sentences by spaCy;
2. :mod:`geodata.triggers`: event words matched on lemmas (``lexicon/triggers.jsonl``);
3. :mod:`geodata.modality`: negation, denial, hedges, wishes, states and plans
   (``lexicon/cues.jsonl``);
4. :mod:`geodata.roles`: the event's site or venue (among the places of
   :mod:`geodata.place_mentions`); :mod:`geodata.actors`: who took part;
5. :mod:`geodata.event_dates` (over :mod:`geodata.dates`, and :mod:`geodata.reference_time` for
   "two days later" or "the next day", counted from the narrative's reference time): which date
   phrase dates which event;
6. :mod:`geodata.assembly`: events per clause, completed from context, with a time budget per
   article; :mod:`geodata.merging`: reports of one event merged across articles.

:func:`extract_events` runs it on a folder; :func:`events_frame` turns the events into a
GeoDataFrame with exactly ``schema.EVENT_PROPERTIES`` as columns. :data:`PIPELINE_VERSION` names
the extraction's version.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from geodata.event_records import PIPELINE_VERSION, Event, EventRun, Source, events_frame

if TYPE_CHECKING:
    from geodata.assembly import ARTICLE_BUDGET_SECONDS, extract_events, extract_from_articles
    from geodata.merging import merge_events
    from geodata.place_mentions import (
        GazetteerPlaceFinder,
        MentionLike,
        PlaceFinder,
        PlaceLike,
        default_place_finder,
    )
    from geodata.sentences import split_sentences

# The stages load spaCy (about a second): they are imported when first used (PEP 562), so what only
# reads events (the app's map, the store's frames) starts without them.
_STAGES = {
    "ARTICLE_BUDGET_SECONDS": "assembly", "extract_events": "assembly", "extract_from_articles": "assembly",
    "merge_events": "merging", "GazetteerPlaceFinder": "place_mentions", "MentionLike": "place_mentions",
    "PlaceFinder": "place_mentions", "PlaceLike": "place_mentions", "default_place_finder": "place_mentions",
    "split_sentences": "sentences",
}  # fmt: skip

__all__ = [
    "ARTICLE_BUDGET_SECONDS",
    "PIPELINE_VERSION",
    "Event",
    "EventRun",
    "GazetteerPlaceFinder",
    "MentionLike",
    "PlaceFinder",
    "PlaceLike",
    "Source",
    "default_place_finder",
    "events_frame",
    "extract_events",
    "extract_from_articles",
    "merge_events",
    "split_sentences",
]


def __getattr__(name: str) -> Any:
    if name not in _STAGES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"geodata.{_STAGES[name]}"), name)
    globals()[name] = value
    return value
