"""A table's rows as HTML: formatted, escaped, linked, the same cells as ``Table.rows``."""

from __future__ import annotations

import polars as pl

from timbalans.web.tables import Table


def _table(frame: pl.DataFrame, **kwargs) -> Table:
    return Table(name="t", frame=frame, columns=frame.columns, **kwargs)


def test_rows_are_formatted_the_swedish_way_with_classes():
    frame = pl.DataFrame({"case_id": ["51470"], "status": ["over"], "result": [-1234.4]})
    assert str(_table(frame).body_html) == (
        '<tr><td>51470</td><td class="status status-over">Över</td>'
        '<td class="num neg">\u22121\u00a0234</td></tr>\n'
    )


def test_text_is_escaped():
    frame = pl.DataFrame({"name": ['<b>Ann & "Bo"</b>']})
    assert str(_table(frame).body_html) == (
        "<tr><td>&lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/b&gt;</td></tr>\n"
    )


def test_links_are_escaped_in_the_attribute():
    frame = pl.DataFrame({"case_id": ["51470"]})
    table = _table(frame, links={"case_id": lambda row: f"/arenden/{row['case_id']}/?a=1&b=2"})
    assert str(table.body_html) == (
        '<tr><td><a href="/arenden/51470/?a=1&amp;b=2">51470</a></td></tr>\n'
    )


def test_an_empty_table_says_so_across_its_columns():
    frame = pl.DataFrame(
        {"case_id": [], "result": []}, schema={"case_id": pl.String, "result": pl.Float64}
    )
    assert str(_table(frame).body_html) == (
        '<tr><td colspan="2">Inga rader för urvalet.</td></tr>\n'
    )
