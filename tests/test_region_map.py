"""The map of Central Asia: the shapes shipped with the package, what each country counts, and
the figure, which must draw with no network (no tiles, no world map fetched by Plotly)."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT

from cooptrack.db.store import Store
from cooptrack.i18n import Language, use_language
from cooptrack.query import region_map
from cooptrack.query.filters import Filters, where
from cooptrack.reference import CENTRAL_ASIA

DATA_FILE = ROOT / "src" / "cooptrack" / "data" / region_map.GEOMETRY_FILE
# Central Asia with a margin: every shape must lie inside (a swapped lon/lat would not).
LON_BOUNDS, LAT_BOUNDS = (45.0, 90.0), (34.0, 56.0)


def points(feature: dict[str, object]) -> list[tuple[float, float]]:
    geometry = feature["geometry"]
    assert isinstance(geometry, dict)
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [(lon, lat) for polygon in polygons for ring in polygon for lon, lat in ring]


def test_the_shapes_are_the_five_countries_small_and_where_central_asia_is() -> None:
    assert DATA_FILE.stat().st_size < 200_000
    shapes = json.loads(DATA_FILE.read_text("utf-8"))
    assert shapes["type"] == "FeatureCollection"
    assert "Natural Earth" in shapes["properties"]["source"]
    assert "public domain" in shapes["properties"]["licence"]
    assert sorted(f["id"] for f in shapes["features"]) == sorted(CENTRAL_ASIA)
    for feature in shapes["features"]:
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon")
        for ring in feature["geometry"]["coordinates"]:
            assert ring[0] == ring[-1] and len(ring) >= 4, feature["id"]  # closed rings
        for lon, lat in points(feature):
            assert LON_BOUNDS[0] < lon < LON_BOUNDS[1] and LAT_BOUNDS[0] < lat < LAT_BOUNDS[1]
        # The label point lies within the country's bounding box.
        lons, lats = zip(*points(feature), strict=True)
        properties = feature["properties"]
        assert min(lons) < properties["label_lon"] < max(lons), feature["id"]
        assert min(lats) < properties["label_lat"] < max(lats), feature["id"]
    assert region_map.geometry() == shapes  # what the package reads is this file


def test_the_shapes_travel_inside_the_wheel(tmp_path: Path) -> None:
    """The dashboard reads them with importlib.resources, so they must be packaged."""
    uv = ROOT / ".tools" / "bin" / "uv"
    uv_path = str(uv) if uv.exists() else shutil.which("uv")
    if uv_path is None:
        pytest.skip("uv is not installed here (make installs it into .tools)")
    built = subprocess.run(
        [uv_path, "build", "--wheel", "-o", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("cooptrack-*.whl")
    with zipfile.ZipFile(wheel) as packed:
        inside = packed.read(f"cooptrack/data/{region_map.GEOMETRY_FILE}")
    assert inside == DATA_FILE.read_bytes()


def test_counts_follow_the_filters_but_the_country_one(store: Store) -> None:
    everything = region_map.country_counts(store, Filters())
    assert sorted(everything.code) == sorted(CENTRAL_ASIA)
    assert everything.meetings.sum() > 0 and everything.commitments.sum() > 0
    assert (everything.hosted <= everything.meetings).all()
    # The Country filter does not narrow the map: it shows all five, the chosen outlined.
    chosen = region_map.country_counts(store, Filters(countries=("KZ",)))
    assert chosen.equals(everything)
    # Another filter does, and the counts agree with the filter's own SQL.
    cbd = Filters(conventions=("CBD",))
    narrowed = region_map.country_counts(store, cbd).set_index("code")
    for code in CENTRAL_ASIA:
        condition, params = where(replace(cbd, countries=(code,)))
        for facts, column in (("meeting_facts", "meetings"), ("commitment_facts", "commitments")):
            [(expected,)] = store.rows(f"SELECT count(*) FROM {facts} WHERE {condition}", params)
            assert narrowed.loc[code, column] == expected, (code, column)
    assert narrowed.meetings.sum() < everything.meetings.sum()


def test_the_figure_names_each_country_in_the_current_language(store: Store) -> None:
    languages: tuple[tuple[Language, str], ...] = (("en", "Kazakhstan"), ("ru", "Казахстан"))
    for language, kazakhstan in languages:
        with use_language(language):
            counts = region_map.country_counts(store, Filters())
            figure = region_map.map_figure(counts, region_map.geometry(), ("KZ",))
        shapes, labels = figure.data
        assert shapes.type == "choropleth" and labels.type == "scattergeo"
        assert list(shapes.locations) == list(counts.code) == list(shapes.customdata)
        assert shapes.featureidkey == "id"
        assert sorted(f["id"] for f in shapes.geojson["features"]) == sorted(CENTRAL_ASIA)
        assert all("properties" not in f for f in shapes.geojson["features"])  # no English
        assert list(shapes.z) == list(counts.hosted)
        at = list(counts.code).index("KZ")
        assert kazakhstan in labels.text[at] and kazakhstan in shapes.hovertext[at]
        assert str(counts.hosted[at]) in labels.text[at]
        # The chosen country is outlined, the others are not.
        widths = list(shapes.marker.line.width)
        assert widths[at] > max(w for i, w in enumerate(widths) if i != at)
    assert "встреч" in shapes.hovertext[at] and "meeting" not in shapes.hovertext[at]


def test_the_figure_needs_no_network() -> None:
    """No tiles (a `geo`, not a tile map), no base layer, and Plotly's world map (which it
    fetches for a geojson trace too) pointed at an empty inline one."""
    counts = pd.DataFrame(
        {"code": ["KZ"], "name": ["<a href='x'>K</a>"], "meetings": [1], "hosted": [1]}
        | {"commitments": [0]}
    )
    figure = region_map.map_figure(counts, region_map.geometry())
    geo = figure.layout.geo
    for layer in ("countries", "coastlines", "land", "ocean", "lakes", "rivers", "frame"):
        assert geo[f"show{layer}"] is False, layer
    assert not any(t.type.endswith("mapbox") or t.type.endswith("map") for t in figure.data)
    url = region_map.map_config()["topojsonURL"]
    assert isinstance(url, str) and url.startswith("data:application/json,")
    assert "<a" not in figure.data[1].text[0] and "&lt;a" in figure.data[1].text[0]
