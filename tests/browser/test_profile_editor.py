"""In a real browser: an administrator uploads a schedule export, maps it in the profile
editor with the live preview, reads an error, fixes it, saves the profile and imports with it."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.builders import write_set
from timbalans.accounts.services import user_create
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Hemligt-lösen-42"
SAMPLE = (
    "Datum;Start;Slut;Ärende;Anst;Passtyp\n"
    "2025-02-20;07:00;16:00;51470;E1;Pass\n"
    "2025-02-21;22:00;07:00;51357;E2;Jour\n"
    "2025-02-22;07:00;16:00;51470;E1;Ledig\n"
)
TZ = ZoneInfo("Europe/Stockholm")


def _editor_post(page):
    return page.expect_response(
        lambda r: "/import/profiler/exempel/" in r.url and r.request.method == "POST"
    )


def settle(page) -> None:
    """Wait until htmx has no request in flight and has swapped and settled the editor, so
    the next step acts on the new form, not on one about to be replaced."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling")).to_have_count(0)


def choose(page, label: str, value: str) -> None:
    """Pick an option; the editor posts the form (htmx) and swaps in the new editor."""
    with _editor_post(page):
        page.get_by_label(label, exact=True).select_option(value)
    settle(page)


def type_in(page, label: str, text: str) -> None:
    """Type into a text field and leave it: its change posts the form."""
    with _editor_post(page):
        page.get_by_label(label).fill(text)
        page.get_by_label(label).press("Tab")
    settle(page)


def test_an_admin_maps_a_schedule_export_sees_an_error_saves_and_imports(
    page, live_server, threads_db, tmp_path
):
    # threads_db: the import job's thread writes while the live server reads the job's page
    folder = write_set(tmp_path / "set")
    import_batch_apply(dataset=import_dataset_validate(source=folder), source=str(folder))
    sample = tmp_path / "TimeCare_v8.csv"
    sample.write_text(SAMPLE, encoding="utf-8")
    user_create(username="admin", role="admin", password=PASSWORD)

    page.goto(f"{live_server.url}/")
    page.get_by_label("Användarnamn").fill("admin")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_role("link", name="Mappningsprofiler").click()
    page.get_by_label("Exempelfil (CSV eller Excel)").set_input_files(str(sample))
    page.get_by_role("button", name="Öppna i profilredigeraren").click()

    # The sample's columns and first rows
    assert page.get_by_role("heading", name="Profilredigerare: TimeCare_v8.csv").is_visible()
    first_rows = page.locator("table.sample tbody tr")
    assert first_rows.nth(1).inner_text().split("\t") == [
        "2025-02-21",
        "22:00",
        "07:00",
        "51357",
        "E2",
        "Jour",
    ]

    type_in(page, "Profilens namn", "Schema från TimeCare")
    type_in(page, "Gäller filer som heter", "TimeCare*.csv")
    choose(page, "Filen blir tabellen", "shifts")
    choose(page, "Källkolumn för ärende", "Ärende")
    choose(page, "Källkolumn för anställningsnummer", "Anst")
    choose(page, "Källkolumn för start", "Datum")
    choose(page, "Klockslag för start", "Start")
    choose(page, "Källkolumn för slut", "Datum")
    choose(page, "Klockslag för slut", "Slut")
    choose(page, "Källkolumn för typ", "Passtyp")
    choose(page, "Pass", "assistance")
    choose(page, "Ledig", "__skip__")

    # Jour is not mapped yet: the preview lists the error as the import would
    alert = page.locator("#preview").get_by_role("alert")
    assert alert.inner_text() == "Filen ger 1 fel med profilen. Så här skulle importen lista dem:"
    problem = page.locator("#preview table.problems tbody tr").first.inner_text()
    assert problem.split("\t") == [
        "TimeCare_v8.csv",
        "3",
        "Passtyp",
        'koden "Jour" saknas i profilens värdelista för kind (profilen, rad 15); '
        "förväntat en av: Ledig, Pass.",
    ]
    assert axe_violations(page) == []
    screenshot(page, "profilredigerare-fel")

    choose(page, "Jour", "on_call")
    status = page.locator("#preview").get_by_role("status")
    assert status.inner_text() == "Inga fel: 2 rader blir tabellen schema."
    rows = page.locator("#preview table.canonical tbody tr")
    assert [rows.nth(i).inner_text().split("\t") for i in range(rows.count())] == [
        ["2", "51470", "E1", "2025-02-20 07:00", "2025-02-20 16:00", "assistans"],
        ["3", "51357", "E2", "2025-02-21 22:00", "2025-02-22 07:00", "jour"],
    ]
    screenshot(page, "profilredigerare")

    page.get_by_role("button", name="Spara profilen").click()
    page.get_by_text("Profilen Schema från TimeCare är sparad som version 1.").wait_for()
    page.get_by_role("button", name="Kontrollera och importera TimeCare_v8.csv").click()
    page.wait_for_url(re.compile(r"/import/jobb/\d+/"))
    page.get_by_role("button", name="Importera").click()
    page.get_by_text("Klart: import").wait_for()

    from timbalans.records.models import ImportBatch, MappingProfileVersion, Shift

    batch = ImportBatch.objects.order_by("-pk").first()
    version = MappingProfileVersion.objects.get()
    assert [(p["name"], p["version"], p["sha256"]) for p in batch.profiles] == [
        ("Schema från TimeCare", 1, version.sha256)
    ]
    shifts = Shift.objects.filter(batch=batch).order_by("start")
    assert [(s.case.case_id, s.employee.employee_id, s.kind) for s in shifts] == [
        ("51470", "E1", "assistance"),
        ("51357", "E2", "on_call"),
    ]
    night = shifts[1]
    assert night.start.astimezone(TZ) == dt.datetime(2025, 2, 21, 22, 0, tzinfo=TZ)
    assert night.end.astimezone(TZ) == dt.datetime(2025, 2, 22, 7, 0, tzinfo=TZ)

    page.get_by_role("link", name="Till importlistan").click()
    assert page.get_by_text(f"Schema från TimeCare version 1 {version.sha256[:12]}…").is_visible()
