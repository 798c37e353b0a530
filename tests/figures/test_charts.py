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
