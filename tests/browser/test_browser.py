"""In a real browser: log in, read the overview, drill into case 51470, export its table
and open the XLSX, upload a broken data set and read the error, import and undo."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.builders import write_set
from timbalans.accounts.services import user_create
from timbalans.generator.core import generate
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2026-11-23"
PASSWORD = "Hemligt-lösen-42"


@pytest.fixture
def department(tmp_path, monkeypatch):
    out = tmp_path / "demo"
    generate(out, scale="department", seed=1, until=dt.date(2026, 11, 23))
    import_batch_apply(dataset=import_dataset_validate(source=out), source=str(out))
    # The menu's links name no date, so their pages open at today: here the day the data end,
    # as for a user whose data run to today. The pages then share the figures of AS_OF with
    # the overview instead of computing them again for the test's real date (the staffing
    # backtest of the department alone is 4 CPU s per date).
    monkeypatch.setattr("timbalans.web.filters.today", lambda: dt.date.fromisoformat(AS_OF))
    return out


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_a_controller_reads_the_overview_drills_into_a_case_and_exports_it(
    page, live_server, department
):
    user_create(username="controller", role="controller", password=PASSWORD)
    login(page, live_server, "controller")
    page.goto(f"{live_server.url}/?as_of={AS_OF}")
    assert page.get_by_role("heading", name=f"Översikt per {AS_OF}").is_visible()
    assert page.get_by_role("heading", name="Övertid hittills i år").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "oversikt")

    page.get_by_role("link", name="Ärenden", exact=True).click()
    page.wait_for_url(re.compile(r"/arenden/"))
    assert axe_violations(page) == []
    screenshot(page, "arenden")
    page.get_by_role("link", name="51470", exact=True).first.click()
    page.wait_for_url(re.compile(r"/arenden/51470/"))
    assert page.get_by_role("heading", name="Ärende 51470").is_visible()
    assert page.locator("figure.chart svg").count() >= 1
    assert axe_violations(page) == []
    screenshot(page, "arende-51470")

    with page.expect_download() as info:
        page.get_by_role("link", name="Exportera till Excel").first.click()
    path = info.value.path()
    assert info.value.suggested_filename == f"arende-51470-{AS_OF}.xlsx"
    periods = pl.read_excel(Path(path), sheet_name="Avräkningsperioder 51470")
    shown = page.locator("#t-perioder").locator("xpath=../..").locator("tbody tr").count()
    assert periods.height == shown > 0
    assert "Beviljade timmar" in periods.columns

    for link, name in [
        ("Enheter", "enheter"),
        ("Bemanning", "bemanning"),
        ("Övertid och timavlönade", "overtid"),
        ("Sjukfrånvaro", "sjukfranvaro"),
        ("Rapporter", "rapporter"),
    ]:
        page.get_by_role("link", name=link, exact=True).click()
        page.wait_for_load_state()
        assert axe_violations(page) == [], link
        screenshot(page, name)

    # A unit's action plan, made from the seed's five measures, on its own page.
    page.get_by_role("link", name="Handlingsplaner", exact=True).click()
    form = page.locator("form", has_text="Skapa handlingsplan")
    form.locator("select[name=unit_id]").select_option("81515")
    form.get_by_role("button", name="Skapa handlingsplan").click()
    page.wait_for_load_state()
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    # the measures, after the cost bases' heading
    assert [h for h in headings if re.match(r"\d\. ", h)] == [
        "1. Beslutade timmar",
        "2. Ärenden",
        "3. Vik/övertid",
        "4. Sjukfrånvaro",
        "5. Synliggöra och särskilja strukturella kostnader",
    ]
    assert axe_violations(page) == []
    screenshot(page, "handlingsplan-81515")


BROKEN_WORKED = (
    "case_id;employee_id;start;end;break_minutes;time_type\n"
    "51470;E1;2025-01-10 07:00;2025-01-10 16:00;60;ordinary\n"
    "51470;E9;2025-01-11 07:00;2025-01-11 16:00;60;semester\n"
)


def _zip(folder: Path, target: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(target, "w") as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f.name)
    return target


def test_an_admin_uploads_a_broken_set_reads_the_errors_then_imports_and_undoes(
    page, live_server, threads_db, tmp_path
):
    # threads_db: the import job's thread writes while the live server reads the job's page
    user_create(username="admin", role="admin", password=PASSWORD)
    login(page, live_server, "admin")
    page.get_by_role("link", name="Import", exact=True).click()
    broken = _zip(write_set(tmp_path / "broken", worked=BROKEN_WORKED), tmp_path / "trasig.zip")
    page.get_by_label("Filer").set_input_files(str(broken))
    page.get_by_role("button", name="Kontrollera filerna").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "Filerna importerades inte: 2 fel." in alert.inner_text()
    rows = page.locator("table.problems tbody tr")
    texts = [rows.nth(i).inner_text() for i in range(rows.count())]
    assert any("worked.csv\t3\temployee_id" in t for t in texts), texts
    assert any("worked.csv\t3\ttime_type" in t for t in texts), texts
    screenshot(page, "import-fel")

    page.get_by_role("navigation").get_by_role("link", name="Import", exact=True).click()
    good = _zip(write_set(tmp_path / "good"), tmp_path / "hel.zip")
    page.get_by_label("Filer").set_input_files(str(good))
    page.get_by_role("button", name="Kontrollera filerna").click()
    page.get_by_role("button", name="Importera").click()
    page.get_by_text("Klart: import").wait_for()
    from timbalans.records.models import ImportBatch, Worked

    number = ImportBatch.objects.get().pk
    assert Worked.objects.count() == 3
    page.get_by_role("link", name="Till importlistan").click()
    page.get_by_role("button", name=f"Ångra import {number}").click()
    status = page.get_by_role("status").filter(has_text=f"Import {number} är ångrad.")
    assert status.is_visible()
    screenshot(page, "import")
    assert ImportBatch.objects.get(pk=number).status == "undone"
    assert Worked.objects.count() == 0
