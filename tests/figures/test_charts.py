"""Charts on the pages: built once for the same inputs (frames by content), anew otherwise."""

from __future__ import annotations

import polars as pl

from timbalans.figures.charts import svg_of

BUILT: list[str] = []


def tiny(frame: pl.DataFrame, *, title: str) -> dict:
    """A one-mark chart; counts its builds."""
    BUILT.append(title)
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "data": {"values": frame.to_dicts()},
        "mark": "bar",
        "encoding": {
            "x": {"field": "x", "type": "nominal"},
            "y": {"field": "y", "type": "quantitative"},
        },
    }


def test_the_same_inputs_are_built_once():
    BUILT.clear()
    first = svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [1.0]}), title="one")
    again = svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [1.0]}), title="one")
    assert first == again
    assert first.startswith("<svg")
    assert BUILT == ["one"]


def test_other_rows_or_options_are_built_anew():
    BUILT.clear()
    svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [1.0]}), title="two")
    svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [2.0]}), title="two")
    svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [2.0]}), title="three")
    assert BUILT == ["two", "two", "three"]


def test_a_column_of_another_type_is_another_chart():
    BUILT.clear()
    svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [1.0]}), title="four")
    svg_of(tiny, pl.DataFrame({"x": ["a"], "y": [1]}), title="four")
    assert BUILT == ["four", "four"]


def test_unhashable_inputs_are_built_each_time():
    BUILT.clear()
    frame = pl.DataFrame({"x": [["a"]], "y": [1.0]})  # a list cell cannot be a key
    svg_of(tiny, frame, title="five")
    svg_of(tiny, frame, title="five")
    assert BUILT == ["five", "five"]


def test_every_chart_of_the_pages_is_a_valid_vega_lite_spec():
    """The specs are built without Altair's validation (half of a chart's build time on a
    page), so they are validated here against Vega-Lite's schema, with links and without."""
    import datetime as dt

    import jsonschema
    from altair.vegalite.v6.schema.core import load_schema

    from timbalans.figures import charts

    months = pl.DataFrame(
        {
            "month": ["2026-01", "2026-02"],
            "overtime_hours": [10.0, 5.0],
            "baseline_overtime_hours": [12.0, 11.0],
            "href": ["/a", "/b"],
        }
    )
    units = pl.DataFrame({"unit_id": ["81515", "81516"], "result": [-5.0, 7.0], "href": ["/u", ""]})
    groups = units.with_columns(pl.lit("Resultat").alias("Serie"))
    status = pl.DataFrame({"Status": ["Över", "Under"], "Antal": [2, 0], "href": ["/s", "/t"]})
    days = pl.DataFrame(
        {
            "date": [dt.date(2026, 1, 1), dt.date(2026, 1, 2)],
            "kind": ["Utfört", "Prognos"],
            "hours": [8.0, 16.0],
        }
    )
    specs = [
        charts.overtime_against_goal(months, goal_pct=-50.0, href="href"),
        charts.overtime_against_goal(months.drop("href"), goal_pct=None),
        charts.bars(units, x="unit_id", y="result", title="R", y_title="kr", href="href"),
        charts.bars(units.drop("href"), x="unit_id", y="result", title="R", y_title="kr"),
        charts.grouped_bars(
            groups, x="unit_id", y="result", group="Serie", title="G", y_title="kr", href="href"
        ),
        charts.status_counts(status, href="href"),
        charts.status_counts(status.drop("href")),
        charts.cumulative_hours(days, granted=20.0, title="C"),
    ]
    validator = jsonschema.Draft7Validator(load_schema())
    for spec in specs:
        assert [e.message for e in validator.iter_errors(spec)] == [], spec.get("title")
    # The rows are the spec's named dataset, as given (dates as text).
    assert specs[-1]["datasets"] == {
        "rows": [
            {"date": "2026-01-01", "kind": "Utfört", "hours": 8.0},
            {"date": "2026-01-02", "kind": "Prognos", "hours": 16.0},
        ]
    }
    assert specs[-1]["layer"][0]["data"] == {"name": "rows"}
    # and a broken spec is caught
    broken = {**specs[0], "mark": {"type": "no-such-mark"}}
    assert list(validator.iter_errors(broken))
