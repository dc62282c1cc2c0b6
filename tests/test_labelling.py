"""``geodata.labelling``: label boxes, and the greedy rule that gives labels their first free zoom.

Synthetic labels only; the committed basemap labels are checked in ``tests/test_basemap.py``.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pyproj import Transformer

from geodata import labelling, settings
from geodata.labelling import assign_min_zoom, label_boxes, overlapping_labels


def test_label_boxes_in_world_pixels() -> None:
    (box,) = label_boxes([0.0], [0.0], ["Ab"], ["town"], ["right"], 0)
    style = labelling.LABEL_STYLES["town"]
    assert box[0] == pytest.approx(128 - labelling.DOT_RADIUS_PX - labelling.PADDING_PX)
    width = 2 * style.font_px * style.char_width_em
    assert box[2] == pytest.approx(
        128 + labelling.DOT_RADIUS_PX + labelling.DOT_GAP_PX + width + labelling.PADDING_PX
    )
    assert (box[1] + box[3]) / 2 == pytest.approx(128)
    (north,) = label_boxes([0.0], [10.0], ["Ab"], ["town"], ["right"], 0)
    assert north[1] < box[1]  # y grows southwards
    (centred,) = label_boxes([0.0], [0.0], ["Ab"], ["country"], ["centre"], 3)
    assert (centred[0] + centred[2]) / 2 == pytest.approx(128 * 8)


@pytest.mark.parametrize("anchor", labelling.DOT_ANCHORS)
def test_every_box_contains_its_point(anchor: str) -> None:
    (box,) = label_boxes([36.0], [35.0], ["Saraqib"], ["town"], [anchor], 8)
    mx, my = Transformer.from_crs(settings.WGS84, "EPSG:3857", always_xy=True).transform(36.0, 35.0)
    half_world = 20037508.342789244
    x, y = (
        (mx + half_world) / (2 * half_world) * 256 * 2**8,
        (half_world - my) / (2 * half_world) * 256 * 2**8,
    )
    assert box[0] < x < box[2]
    assert box[1] < y < box[3]


def test_a_label_blocked_on_the_right_goes_left() -> None:
    # B's dot is 11 px west of A's at zoom 8: its text cannot go right, over A, but fits on the left.
    placed = assign_min_zoom(["Aaaa", "Bbbb"], ["town", "town"], [[(36.0, 35.0)], [(35.94, 35.0)]], [8, 8])
    assert placed == [(8, 0, "right"), (8, 0, "left")]


def test_a_label_with_no_room_waits_for_a_higher_zoom() -> None:
    # 0.1 degree east of A, inside A's text at zoom 8 and 9: B's dot is free of it from zoom 10.
    placed = assign_min_zoom(["Aaaa", "Bbbb"], ["town", "town"], [[(36.0, 35.0)], [(36.1, 35.0)]], [8, 8])
    assert placed == [(8, 0, "right"), (10, 0, "right")]


def test_a_label_that_never_fits_is_left_out() -> None:
    # Two dots on one point never both fit: the second is left out.
    placed = assign_min_zoom(["Aaaa", "Bbbb"], ["town", "town"], [[(36.0, 35.0)]] * 2, [8, 8])
    assert placed == [(8, 0, "right"), (-1, 0, "")]


def test_an_area_name_moves_to_its_next_free_position() -> None:
    positions = [[(36.0, 35.0)], [(36.0, 35.0), (37.0, 35.0)]]
    placed = assign_min_zoom(["Aaaa", "Bbbb"], ["town", "governorate"], positions, [7, 7])
    assert placed == [(7, 0, "right"), (7, 1, "centre")]


_labels = st.lists(
    st.tuples(
        st.floats(35.5, 36.5),
        st.floats(34.5, 35.5),
        st.text(alphabet="abcdefgh ", min_size=1, max_size=14),
        st.sampled_from(labelling.LABEL_KINDS),
        st.integers(6, 10),
    ),
    min_size=1,
    max_size=25,
)


@hypothesis_settings(max_examples=40, deadline=None)
@given(_labels)
def test_placed_labels_never_overlap_at_any_zoom(labels: list[tuple[float, float, str, str, int]]) -> None:
    placed = assign_min_zoom(
        [name for _, _, name, _, _ in labels],
        [kind for _, _, _, kind, _ in labels],
        [[(lon, lat)] for lon, lat, _, _, _ in labels],
        [zoom for _, _, _, _, zoom in labels],
    )
    frame = gpd.GeoDataFrame(
        {
            "label_id": [str(i) for i in range(len(labels))],
            "name": [n for _, _, n, _, _ in labels],
            "kind": [k for _, _, _, k, _ in labels],
            "min_zoom": [z if z >= 0 else 99 for z, _, _ in placed],
            "anchor": [a or "right" for _, _, a in placed],
        },
        geometry=gpd.points_from_xy([x for x, *_ in labels], [y for _, y, *_ in labels]),
        crs=settings.WGS84,
    )
    for zoom in range(labelling.MIN_ZOOM, labelling.MAX_ZOOM + 1):
        assert overlapping_labels(frame, zoom) == []
    for (z, _, _), (*_, want) in zip(placed, labels, strict=True):
        assert z == -1 or z >= want


@hypothesis_settings(max_examples=60, deadline=None)
@given(
    st.tuples(st.floats(30, 45), st.floats(30, 40)),
    st.tuples(st.floats(30, 45), st.floats(30, 40)),
    st.sampled_from(labelling.DOT_ANCHORS),
    st.sampled_from(labelling.DOT_ANCHORS),
    st.integers(5, 11),
)
def test_labels_apart_stay_apart_when_zooming_in(
    a: tuple[float, float], b: tuple[float, float], anchor_a: str, anchor_b: str, zoom: int
) -> None:
    def boxes(z: int) -> np.ndarray:
        return label_boxes(
            [a[0], b[0]], [a[1], b[1]], ["Maarat", "Ariha"], ["town", "city"], [anchor_a, anchor_b], z
        )

    def overlap(pair: np.ndarray) -> bool:
        return bool(
            pair[0][0] < pair[1][2]
            and pair[1][0] < pair[0][2]
            and pair[0][1] < pair[1][3]
            and pair[1][1] < pair[0][3]
        )

    if not overlap(boxes(zoom)):
        assert not overlap(boxes(zoom + 1))
