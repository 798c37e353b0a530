"""A table's rows as HTML: formatted, escaped, linked, the same cells as ``Table.rows``."""

from __future__ import annotations

import fastexcel
import polars as pl
import pytest

from tests.builders import BASE, write_set
from tests.web.conftest import AS_OF
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.web.tables import Table


def _table(frame: pl.DataFrame, **kwargs) -> Table:
    return Table(name="t", frame=frame, columns=frame.columns, **kwargs)


def test_rows_are_formatted_the_swedish_way_with_classes():
    frame = pl.DataFrame({"case_id": ["51470"], "status": ["over"], "result": [-1234.4]})
    assert str(_table(frame).body_html) == (
        '<tr><td>51470</td><td class="status status-over">Över</td>'
        '<td class="num bad">\u22121\u00a0234</td></tr>\n'
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


@pytest.mark.django_db
def test_rows_under_a_cache_key_are_rendered_once_per_order(monkeypatch):
    rendered = []
    real = Table._body_html

    def counting(self):
        rendered.append(self.sort)
        return real(self)

    monkeypatch.setattr(Table, "_body_html", counting)
    frame = pl.DataFrame({"case_id": ["51357", "51470"]})
    first = _table(frame, cache_key="k").body_html
    again = _table(frame, cache_key="k").body_html
    descending = _table(frame, cache_key="k", sort="case_id", descending=True).body_html
    assert first == again == "<tr><td>51357</td></tr>\n<tr><td>51470</td></tr>\n"
    assert descending == "<tr><td>51470</td></tr>\n<tr><td>51357</td></tr>\n"
    assert rendered == ["", "case_id"]


def test_rows_without_a_cache_key_are_rendered_each_time(monkeypatch):
    rendered = []
    real = Table._body_html
    monkeypatch.setattr(Table, "_body_html", lambda self: rendered.append(1) or real(self))
    frame = pl.DataFrame({"case_id": ["51470"]})
    assert _table(frame).body_html == _table(frame).body_html
    assert len(rendered) == 2


def _sheets(response) -> list[str]:
    assert response.status_code == 200
    return fastexcel.read_excel(response.content).sheet_names


def test_the_export_of_bemanning_has_a_title_excel_accepts(imported, as_user):
    response = as_user("controller").get("/bemanning/", {"as_of": AS_OF, "format": "xlsx"})
    assert _sheets(response) == [
        "Bemanning- överkapacitet mot kö",
        "Återkommande köpt tid",
        "Inställningar",
        "Satser",
    ]


def test_the_export_of_a_case_with_a_colon_in_its_id_has_titles_excel_accepts(
    tmp_path, as_user, db
):
    # The base set with case 51470 called "K:1" in every file.
    changed = {t: text.replace("51470", "K:1") for t, text in BASE.items()}
    d = write_set(tmp_path / "set", **changed)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    response = as_user("controller").get("/arenden/K:1/", {"as_of": AS_OF, "format": "xlsx"})
    titles = _sheets(response)
    assert titles == [
        "Avräkningsperioder K-1",
        "Ekonomi K-1",
        "Medarbetare i ärendet K-1",
        "Inställningar",
        "Satser",
    ]
    frame = pl.read_excel(response.content, sheet_name="Medarbetare i ärendet K-1")
    assert frame["Anställningsnummer"].to_list() == ["E1"]
