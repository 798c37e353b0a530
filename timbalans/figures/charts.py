"""Chart specifications (Vega-Lite via Altair), one spec for pages, DOCX and PDF.

Rendered on the server by vl-convert to SVG (pages) or PNG (documents): no script, no CDN,
works on a closed network. Swedish number and date formats through ``sv-SE`` locales.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import polars as pl

if TYPE_CHECKING:
    import altair as alt

# Altair and vl-convert are imported by the functions that use them, not with this module:
# every process that imports the URLconf (a server's workers, `timbalans check`) imports this
# module, and Altair alone takes a third of a second.

# Colours chosen for contrast and for colour-blind readers (Okabe–Ito).
BLUE, ORANGE, GREEN, RED, GREY = "#0072B2", "#E69F00", "#009E73", "#D55E00", "#6b6b6b"
PURPLE, BLACK = "#CC79A7", "#1a1a1a"
STATUS_COLOURS = {"Över": RED, "I balans": GREEN, "Under": ORANGE}
WIDTH = 560
# Vega resolves a relative link against its loader's base URL; the pages want it relative.
VEGA_BASE_URL = "https://vega.github.io/vega-datasets/"
LINK_NAME = "Visa raderna: {}"


#: The charts' font: Liberation Sans, which vl-convert carries inside it, has Arial's metrics,
#: so the text is measured as a browser without it (Arial) draws it. A font vl-convert must
#: look up on the system (DejaVu Sans) costs about 60 ms more per chart drawn.
FONT = "Liberation Sans, Arial, sans-serif"
#: The name of a chart's rows in its spec's ``datasets``.
ROWS = "rows"


def _base() -> alt.Chart:
    """A chart of the rows :func:`_config` puts in the spec: named, so that Altair does not
    walk every row while it builds the spec (most of a spec's cost at a few hundred rows)."""
    import altair as alt

    return alt.Chart(alt.NamedData(ROWS))


def _links(href: str | None, *, name: str) -> dict[str, Any]:
    """Encodings that make each mark a link to the rows behind it: ``href`` names the data's
    column of URLs, ``name`` the column of the link's accessible name."""
    import altair as alt

    if href is None:
        return {}
    return {"href": alt.Href(f"{href}:N"), "description": alt.Description(f"{name}:N")}


def _named_links(frame: pl.DataFrame, href: str | None, x: str) -> list[pl.Expr]:
    """The columns ``_links`` reads, from the frame's ``href`` column and its ``x``."""
    if href is None:
        return []
    return [
        pl.col(href).alias("href"),
        pl.format(LINK_NAME, pl.col(x).cast(pl.String)).alias("link_name"),
    ]


def _config(chart: alt.TopLevelMixin, title: str, rows: pl.DataFrame) -> dict[str, Any]:
    spec = chart.properties(title=title).configure_view(stroke=None).to_dict(validate=False)
    spec["datasets"] = {**spec.get("datasets", {}), ROWS: rows.to_dicts()}
    spec["config"] = {
        **spec.get("config", {}),
        "font": FONT,
        "axis": {"labelFontSize": 11, "titleFontSize": 12},
        "legend": {"labelFontSize": 11, "titleFontSize": 12, "orient": "bottom"},
        "title": {"fontSize": 14, "anchor": "start"},
    }
    return spec


def overtime_against_goal(
    monthly: pl.DataFrame, *, goal_pct: float | None, href: str | None = None
) -> dict[str, Any]:
    """Bars: overtime hours per month; lines: the baseline year and the goal.

    ``monthly`` has month, overtime_hours, baseline_overtime_hours (and with ``href`` the
    column of each month's link: the bars link to the month's rows).
    """
    import altair as alt

    rows = []
    for r in monthly.iter_rows(named=True):
        bar = {"Månad": r["month"], "Serie": "Övertid", "Timmar": r["overtime_hours"]}
        if href is not None:
            bar |= {"href": r[href], "link_name": LINK_NAME.format(r["month"])}
        rows.append(bar)
        rows.append(
            {"Månad": r["month"], "Serie": "Jämförelseår", "Timmar": r["baseline_overtime_hours"]}
        )
        if goal_pct is not None and r["baseline_overtime_hours"] is not None:
            rows.append(
                {
                    "Månad": r["month"],
                    "Serie": f"Mål ({goal_pct:+.0f} %)".replace("-", "−"),
                    "Timmar": r["baseline_overtime_hours"] * (1 + goal_pct / 100),
                }
            )
    data = pl.DataFrame(rows) if rows else pl.DataFrame({"Månad": [], "Serie": [], "Timmar": []})
    base = _base()
    # One legend for the three series: the bars, the baseline year and the goal.
    series = ["Övertid", "Jämförelseår"]
    if goal_pct is not None:
        series.append(f"Mål ({goal_pct:+.0f} %)".replace("-", "−"))
    color = alt.Color(
        "Serie:N",
        scale=alt.Scale(domain=series, range=[BLUE, GREY, RED][: len(series)]),
        title=None,
    )
    bars = (
        base.transform_filter(alt.datum.Serie == "Övertid")
        .mark_bar()
        .encode(
            x=alt.X("Månad:N", title=None),
            y=alt.Y("Timmar:Q", title="Timmar", axis=alt.Axis(format=",.0f")),
            color=color,
            tooltip=["Månad:N", alt.Tooltip("Timmar:Q", format=",.0f")],
            **_links("href" if href else None, name="link_name"),
        )
    )
    lines = (
        base.transform_filter(alt.datum.Serie != "Övertid")
        .mark_line(point=True)
        .encode(
            x="Månad:N",
            y="Timmar:Q",
            color=color,
            strokeDash=alt.StrokeDash("Serie:N", legend=None),
        )
    )
    chart = alt.layer(bars, lines).properties(width=WIDTH, height=240)
    return _config(chart, "Övertid per månad", data)


def bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    title: str,
    y_title: str,
    fmt: str = ",.0f",
    href: str | None = None,
) -> dict[str, Any]:
    """Vertical bars, negative values in red (results), positive in blue; with ``href`` (a
    column of URLs) each bar links to the rows behind it."""
    import altair as alt

    data = frame.select(
        pl.col(x).cast(pl.String).alias("x"),
        pl.col(y).alias("y"),
        *_named_links(frame, href, x),
    )
    chart = (
        _base()
        .mark_bar()
        .encode(
            x=alt.X("x:N", title=None, sort=None),
            y=alt.Y("y:Q", title=y_title, axis=alt.Axis(format=fmt)),
            color=alt.condition(alt.datum.y < 0, alt.value(RED), alt.value(BLUE)),
            tooltip=[alt.Tooltip("x:N", title=title), alt.Tooltip("y:Q", format=fmt)],
            **_links(href and "href", name="link_name"),
        )
        .properties(width=WIDTH, height=220)
    )
    return _config(chart, title, data)


def grouped_bars(
    frame: pl.DataFrame,
    *,
    x: str,
    y: str,
    group: str,
    title: str,
    y_title: str,
    href: str | None = None,
) -> dict[str, Any]:
    """Bars side by side per ``x``, one colour per ``group``; with ``href`` (a column of
    URLs) each bar links to the rows behind it."""
    import altair as alt

    data = frame.select(
        pl.col(x).cast(pl.String).alias("x"),
        pl.col(group).alias("g"),
        pl.col(y).alias("y"),
        *_named_links(frame, href, x),
    )
    chart = (
        _base()
        .mark_bar()
        .encode(
            x=alt.X("x:N", title=None),
            xOffset="g:N",
            y=alt.Y("y:Q", title=y_title, axis=alt.Axis(format=",.0f")),
            color=alt.Color("g:N", title=None, scale=alt.Scale(range=[ORANGE, BLUE])),
            tooltip=["x:N", "g:N", alt.Tooltip("y:Q", format=",.0f")],
            **_links(href and "href", name="link_name"),
        )
        .properties(width=WIDTH, height=240)
    )
    return _config(chart, title, data)


def status_counts(counts: pl.DataFrame, *, href: str | None = None) -> dict[str, Any]:
    """Cases by hour-balance status; ``counts`` has Status (label) and Antal (and with
    ``href`` the column of each status's link: the bars link to the cases)."""
    import altair as alt

    data = counts.with_columns(*_named_links(counts, href, "Status"))
    chart = (
        _base()
        .mark_bar()
        .encode(
            y=alt.Y("Status:N", title=None, sort=list(STATUS_COLOURS)),
            x=alt.X("Antal:Q", title="Antal ärenden", axis=alt.Axis(format="d")),
            color=alt.Color(
                "Status:N",
                scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
                legend=None,
            ),
            **_links(href and "href", name="link_name"),
        )
        .properties(width=WIDTH, height=110)
    )
    return _config(chart, "Ärenden efter timbalans", data)


@dataclass(frozen=True)
class Series:
    """A line of a chart and how its caption names it (one definition for both, so the
    caption cannot name a colour the chart does not draw)."""

    kind: str
    colour: str
    colour_name: str
    dash: tuple[int, int]
    dash_name: str
    says: str


#: The case chart's lines, in legend order; ``{as_of}`` is D.
CUMULATIVE_SERIES = (
    Series("Utfört", BLUE, "blå", (1, 0), "heldragen", "utfört till och med {as_of}"),
    Series("Prognos", ORANGE, "orange", (6, 3), "streckad", "prognos med schemalagd tid"),
    Series(
        "I nuvarande takt",
        PURPLE,
        "lila",
        (6, 3),
        "streckad",
        "prognos i nuvarande takt för dagarna efter schemats slut",
    ),
    Series(
        "Takt till målet",
        GREY,
        "grå",
        (2, 2),
        "prickad",
        "jämn takt från {as_of} som landar på beviljade timmar",
    ),
)
#: The granted hours: a horizontal rule.
GRANTED_RULE = Series("Beviljat", BLACK, "svart", (1, 0), "heldragen", "beviljade timmar")


def cumulative_caption(kinds: Sequence[str], *, as_of: str) -> str:
    """The case chart's caption for the lines ``kinds`` it draws, and the granted rule."""
    parts = [
        f"{s.colour_name.capitalize()} {s.dash_name} linje: {s.says.format(as_of=as_of)}."
        for s in (*CUMULATIVE_SERIES, GRANTED_RULE)
        if s.kind in kinds or s is GRANTED_RULE
    ]
    return " ".join(parts)


def cumulative_hours(days: pl.DataFrame, *, granted: float, title: str) -> dict[str, Any]:
    """Cumulative worked hours and forecast against granted hours and the pace to target.

    ``days`` has date, kind (a ``CUMULATIVE_SERIES`` kind) and hours (cumulative).
    """
    import altair as alt

    data = days.with_columns(pl.col("date").cast(pl.String))
    base = _base()
    # The legend names the lines drawn, no more (a period whose schedule covers it has no
    # pace line).
    drawn = set(days["kind"].to_list())
    series = [s for s in CUMULATIVE_SERIES if s.kind in drawn]
    kinds = [s.kind for s in series]
    lines = base.mark_line().encode(
        x=alt.X("date:T", title=None, axis=alt.Axis(format="%Y-%m-%d", labelAngle=-30)),
        y=alt.Y("hours:Q", title="Timmar (ackumulerat)", axis=alt.Axis(format=",.0f")),
        color=alt.Color(
            "kind:N",
            title=None,
            scale=alt.Scale(domain=kinds, range=[s.colour for s in series]),
        ),
        strokeDash=alt.StrokeDash(
            "kind:N",
            legend=None,
            scale=alt.Scale(domain=kinds, range=[list(s.dash) for s in series]),
        ),
    )
    rule = (
        alt.Chart(alt.Data(values=[{"granted": granted}]))
        .mark_rule(color=GRANTED_RULE.colour)
        .encode(y="granted:Q")
    )
    return _config(alt.layer(lines, rule).properties(width=WIDTH, height=260), title, data)


@lru_cache(maxsize=256)
def _svg(spec_json: str) -> str:
    import vl_convert as vlc

    return vlc.vegalite_to_svg(
        json.loads(spec_json), format_locale="sv-SE", time_format_locale="sv-SE"
    )


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as SVG; its marks' links (``href``) as given, relative to the page."""
    svg = _svg(json.dumps(spec, sort_keys=True, default=str))
    return svg.replace(f'xlink:href="{VEGA_BASE_URL}', 'xlink:href="')


def to_png(spec: dict[str, Any], *, scale: float = 2.0) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec, scale=scale, format_locale="sv-SE", time_format_locale="sv-SE")


SVG_CACHE_SIZE = 256
_svg_by_input: OrderedDict[Hashable, str] = OrderedDict()
_svg_lock = threading.Lock()


def _input_key(value: Any) -> Hashable:
    """A frame by its content (schema and rows), anything else as it is."""
    if isinstance(value, pl.DataFrame):
        return ("frame", tuple((n, str(t)) for n, t in value.schema.items()), tuple(value.rows()))
    return value


def svg_key(build: Callable[..., dict[str, Any]], /, *args: Any, **kwargs: Any) -> Hashable:
    """The key of a chart: the builder and what goes into it (frames by their content);
    None when an input cannot be hashed (or is NaN, which never equals itself)."""
    try:
        key: Hashable = (
            build.__module__,
            build.__qualname__,
            tuple(_input_key(a) for a in args),
            tuple(sorted((k, _input_key(v)) for k, v in kwargs.items())),
        )
        hash(key)
    except TypeError:
        return None
    return key


def svg_remembered(key: Hashable) -> str | None:
    """The SVG kept in this process under ``key`` (:func:`svg_key`), if any."""
    with _svg_lock:
        svg = _svg_by_input.get(key)
        if svg is not None:
            _svg_by_input.move_to_end(key)
        return svg


def svg_remember(key: Hashable, svg: str) -> None:
    with _svg_lock:
        _svg_by_input[key] = svg
        while len(_svg_by_input) > SVG_CACHE_SIZE:
            _svg_by_input.popitem(last=False)


def svg_of(build: Callable[..., dict[str, Any]], /, *args: Any, **kwargs: Any) -> str:
    """``to_svg(build(*args, **kwargs))``, cached by the builder and what goes into it (frames
    by their content).

    Building a spec costs more than the rest of a page (Altair checks every part against the
    Vega-Lite schema), and the same figures give the same chart, so a page asked again builds
    none. ``build`` must be a module-level function of its arguments only (no closure), or the
    key would not name everything the chart depends on. Inputs that cannot be hashed (or NaN,
    which never equals itself) are simply built each time.
    """
    key = svg_key(build, *args, **kwargs)
    if key is None:
        return to_svg(build(*args, **kwargs))
    svg = svg_remembered(key)
    if svg is None:
        svg = to_svg(build(*args, **kwargs))
        svg_remember(key, svg)
    return svg
    svg = to_svg(build(*args, **kwargs))
    with _svg_lock:
        _svg_by_input[key] = svg
        while len(_svg_by_input) > SVG_CACHE_SIZE:
            _svg_by_input.popitem(last=False)
    return svg
