"""The pages' compositions: cached per data version and access, never served across either."""

from __future__ import annotations

import io

import polars as pl
import pytest

from tests.builders import BASE, write_set
from tests.web.conftest import AS_OF
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.web import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(monkeypatch):
    """How often each page's composition was computed (not served from the cache)."""
    calls = {"overview": 0, "case_list": 0, "case_page": 0}
    for name in calls:
        inner = getattr(selectors, f"_{name}")

        def wrapped(*args, _inner=inner, _name=name, **kwargs):
            calls[_name] += 1
            return _inner(*args, **kwargs)

        monkeypatch.setattr(selectors, f"_{name}", wrapped)
    return calls


def test_a_page_asked_again_is_not_composed_again(imported, as_user, counted):
    client = as_user("controller")
    for _ in range(2):
        for url in ("/", "/arenden/", "/arenden/51470/"):
            assert client.get(url, {"as_of": AS_OF}).status_code == 200
    assert counted == {"overview": 1, "case_list": 1, "case_page": 1}


def test_another_date_is_composed_anew(imported, as_user, counted):
    client = as_user("controller")
    client.get("/arenden/", {"as_of": AS_OF})
    client.get("/arenden/", {"as_of": "2025-02-16"})
    assert counted["case_list"] == 2


def test_an_import_moves_the_cached_page_to_the_new_figures(tmp_path, imported, as_user, counted):
    client = as_user("controller")
    before = client.get("/arenden/51470/", {"as_of": AS_OF, "format": "xlsx"})
    # February again for case 51470: 5 hours instead of the base set's 8.
    worked = (
        "case_id;employee_id;start;end;break_minutes;time_type\n"
        "51470;E1;2025-02-10 07:00;2025-02-10 12:00;0;ordinary\n"
    )
    others = dict.fromkeys((t for t in BASE if t != "worked"), None)
    again = write_set(tmp_path / "again", **others, worked=worked)
    import_batch_apply(dataset=import_dataset_validate(source=again), source=str(again))
    after = client.get("/arenden/51470/", {"as_of": AS_OF, "format": "xlsx"})
    sheet = "Avräkningsperioder 51470"
    worked_before = pl.read_excel(io.BytesIO(before.content), sheet_name=sheet)
    worked_after = pl.read_excel(io.BytesIO(after.content), sheet_name=sheet)
    assert worked_before["Utförda timmar"].to_list() == [16.0]  # 8 h in January, 8 in February
    assert worked_after["Utförda timmar"].to_list() == [13.0]  # 8 h in January, 5 in February
    assert counted["case_page"] == 2


def test_a_unit_manager_after_a_controller_gets_only_own_cases(imported, as_user):
    assert ">51357</a>" in as_user("controller").get("/arenden/", {"as_of": AS_OF}).content.decode()
    html = as_user("chef").get("/arenden/", {"as_of": AS_OF}).content.decode()
    assert ">51470</a>" in html
    assert ">51357</a>" not in html


def test_a_controller_after_a_unit_manager_gets_every_case(imported, as_user):
    as_user("chef").get("/arenden/", {"as_of": AS_OF})
    html = as_user("controller").get("/arenden/", {"as_of": AS_OF}).content.decode()
    assert ">51357</a>" in html


def test_names_on_a_cached_case_page_follow_the_role(imported, as_user):
    assert (
        "Anna Andersson"
        in as_user("chef").get("/arenden/51470/", {"as_of": AS_OF}).content.decode()
    )
    html = as_user("controller").get("/arenden/51470/", {"as_of": AS_OF}).content.decode()
    assert "Anna Andersson" not in html


def test_the_case_page_economics_holds_only_the_cases_own_rows(imported, as_user):
    # The ledger's salary of 2 000 kr on unit 81515 with no case is the unit's, not 51470's.
    response = as_user("controller").get("/arenden/51470/", {"as_of": AS_OF, "format": "xlsx"})
    frame = pl.read_excel(io.BytesIO(response.content), sheet_name="Ekonomi 51470")
    assert frame["Månad"].to_list() == ["2025-01", "2025-02"]
    assert frame["Intäkt (kr)"].to_list()[0] == pytest.approx(1000.5)


def test_a_case_list_in_another_order_is_not_the_cached_one(imported, as_user):
    client = as_user("controller")
    for sort, first, second in [
        ("case_id", "51357", "51470"),
        ("-case_id", "51470", "51357"),
        ("case_id", "51357", "51470"),
    ]:
        html = client.get("/arenden/", {"as_of": AS_OF, "sort": sort}).content.decode()
        assert html.index(f">{first}</a>") < html.index(f">{second}</a>")
