"""The map of Central Asia on the Countries page: what each country counts, and the figure.

The shapes ship with the package (`cooptrack/data/central_asia.geojson`, Natural Earth,
public domain): the dashboard must draw the region with no network, and Plotly's own country
shapes are fetched from a CDN by the browser. The figure draws them as a `Choropleth` on a
`geo` whose every base layer (land, coasts, borders) is off, so Plotly never loads its
world map either.
"""

from __future__ import annotations

import functools
import html
import json
from dataclasses import replace
from importlib import resources
from typing import Any
from urllib.parse import quote

import pandas as pd
import plotly.graph_objects as go

from cooptrack.db.store import Store
from cooptrack.i18n import current, ngettext, number
from cooptrack.query.filters import Filters, where

GEOMETRY_FILE = "central_asia.geojson"
# Light to dark blue: calm, and readable in grey print; a country with none is the lightest.
COLOURS = [[0.0, "#e8f0f8"], [1.0, "#2f6fa8"]]
LABEL_CHARS = 40  # a country's name on the map; longer names are cut (the table has them whole)
LON_RANGE, LAT_RANGE = (46.0, 88.0), (34.8, 56.2)  # the five countries, with a thin margin
# plotly.js loads its world map (from cdn.plot.ly) for any geo trace with a `locationmode`,
# `geojson-id` included, and draws nothing if that fails, as it does with no network. Its
# address is a `config` option: point it at an empty map, inline. (What Plotly appends, the
# map's file name, falls into the address's fragment.)
EMPTY_TOPOJSON_URL = (
    "data:application/json," + quote('{"type":"Topology","objects":{},"arcs":[]}') + "#"
)


@functools.cache
def _geometry_text() -> str:
    return resources.files("cooptrack").joinpath("data", GEOMETRY_FILE).read_text("utf-8")


def geometry() -> dict[str, Any]:
    """The five countries' shapes as a GeoJSON FeatureCollection, `id` = ISO alpha-2 code
    (a fresh copy: Plotly may keep what it is given)."""
    parsed: dict[str, Any] = json.loads(_geometry_text())
    return parsed


def country_counts(store: Store, filters: Filters) -> pd.DataFrame:
    """Per tracked country (code, name in the interface's language): the meetings with it, the
    meetings it hosted and the commitments concerning it, under every filter but the country
    one (the map shows all five; the chosen ones are outlined)."""
    others = replace(filters, countries=())
    condition, params = where(others)
    return store.frame(
        f"""WITH tracked AS (
                SELECT code, name_in(name, name_ru, $lang) AS name FROM countries WHERE tracked),
            met AS (
                SELECT code, count(*) AS meetings,
                       count(*) FILTER (WHERE host_country = code) AS hosted
                FROM (SELECT unnest(match_countries) AS code, host_country
                      FROM meeting_facts WHERE {condition})
                GROUP BY code),
            concerned AS ({_commitments_by_country(condition)})
            SELECT t.code, t.name, coalesce(m.meetings, 0)::BIGINT AS meetings,
                   coalesce(m.hosted, 0)::BIGINT AS hosted,
                   coalesce(c.commitments, 0)::BIGINT AS commitments
            FROM tracked t LEFT JOIN met m USING (code) LEFT JOIN concerned c USING (code)
            ORDER BY t.name, t.code""",
        {**params, "lang": current()},
    )


def _commitments_by_country(condition: str) -> str:
    """With no filter, the stored totals (counting a million commitments' countries takes
    ~60 ms); else one pass over the matching commitments."""
    if condition == "TRUE":
        return """SELECT key AS code, sum(commitments) AS commitments
                  FROM commitment_status_totals WHERE dimension = 'countries' GROUP BY key"""
    return f"""SELECT code, count(*) AS commitments
               FROM (SELECT unnest(match_countries) AS code FROM commitment_facts
                     WHERE {condition})
               GROUP BY code"""


def _shown_name(name: str) -> str:
    """A record's name as Plotly shows it: written out, never read as markup, kept short."""
    short = name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"
    return html.escape(short, quote=False)


def map_config() -> dict[str, str | bool]:
    """The `config` the map needs beside the chart's own: no fetched world map, no toolbar
    (it covers the map on a phone), no zoom by scrolling past it."""
    return {"topojsonURL": EMPTY_TOPOJSON_URL, "displayModeBar": False, "scrollZoom": False}


def map_figure(
    counts: pd.DataFrame, shapes: dict[str, Any], chosen: tuple[str, ...] = ()
) -> go.Figure:
    """The five countries shaded by the meetings each hosted, each named with its count; the
    chosen ones outlined. A click on a country selects it (its code is the point's location)."""
    names = [_shown_name(str(n)) for n in counts.name]
    hosted = [int(n) for n in counts.hosted]
    hover = [
        "<br>".join((f"<b>{name}</b>", _hosted(h), _with_it(int(m)), _concerning(int(c))))
        for name, h, m, c in zip(names, hosted, counts.meetings, counts.commitments, strict=True)
    ]
    figure = go.Figure(
        go.Choropleth(
            geojson=_bare(shapes),
            featureidkey="id",
            locations=list(counts.code),
            z=hosted,
            zmin=0,
            zmax=max([*hosted, 1]),
            colorscale=COLOURS,
            showscale=False,
            marker={
                "line": {
                    "color": ["#0b2e4f" if c in chosen else "#ffffff" for c in counts.code],
                    "width": [3 if c in chosen else 1.5 for c in counts.code],
                }
            },
            customdata=list(counts.code),
            hovertext=hover,
            hoverinfo="text",
            name="",
        )
    )
    figure.add_trace(_labels(counts, names, hosted, shapes))
    figure.update_geos(
        # Ranges, not `fitbounds`: with those Plotly keeps the world's proportions and draws
        # the region in a third of the height.
        lonaxis={"range": list(LON_RANGE)},
        lataxis={"range": list(LAT_RANGE)},
        visible=False,
        projection={"type": "mercator"},
        showcountries=False,
        showcoastlines=False,
        showland=False,
        showocean=False,
        showlakes=False,
        showrivers=False,
        showframe=False,
        bgcolor="rgba(0,0,0,0)",
    )
    figure.update_layout(
        height=360,
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13},
        showlegend=False,
        dragmode=False,
        clickmode="event+select",
        hoverlabel={"align": "left"},
    )
    return figure


def _bare(shapes: dict[str, Any]) -> dict[str, Any]:
    """The shapes as the browser gets them: ids and outlines only (the file's English names
    and notes are not the page's to show, and weigh on every run)."""
    features = [
        {"type": "Feature", "id": f["id"], "geometry": f["geometry"]} for f in shapes["features"]
    ]
    return {"type": "FeatureCollection", "features": features}


def _labels(
    counts: pd.DataFrame, names: list[str], hosted: list[int], shapes: dict[str, Any]
) -> go.Scattergeo:
    """Each country's name and the number it is shaded by (the caption says what it counts),
    at the point its shape's properties give: inside it, clear of the neighbours' labels at
    a phone's width."""
    where_at = {f["id"]: f["properties"] for f in shapes["features"]}
    texts = [f"<b>{name}</b><br>{number(h)}" for name, h in zip(names, hosted, strict=True)]
    dark = max([*hosted, 1]) * 0.6
    return go.Scattergeo(
        lon=[where_at[c]["label_lon"] for c in counts.code],
        lat=[where_at[c]["label_lat"] for c in counts.code],
        text=texts,
        mode="text",
        textfont={
            "size": 12,
            "color": ["#ffffff" if h > dark else "#1b2a38" for h in hosted],
        },
        hoverinfo="skip",
        name="",
    )


def _hosted(n: int) -> str:
    return ngettext("{n} meeting hosted", "{n} meetings hosted", n).format(n=number(n))


def _with_it(n: int) -> str:
    return ngettext("{n} meeting with it", "{n} meetings with it", n).format(n=number(n))


def _concerning(n: int) -> str:
    return ngettext("{n} commitment concerning it", "{n} commitments concerning it", n).format(
        n=number(n)
    )
