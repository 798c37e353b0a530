"""In a real browser (issue 15, items 7 and 10): a unit manager enters a decision letter from
the case page, is told what is wrong, saves it and sees the case's granted hours follow; a
report text's preview follows what is typed.

Case 51470 (tests/builders.py) on D = 2025-02-15: the period 2025-01-01 – 2025-06-30 is granted
100 h per week, 100 × 181 / 7 = 2 585.7 h; a decision of 120 h from 2025-04-01 adds
91 × 20 / 7 = 260 h: 2 845.7 h (tests/web/test_decision_entry.py)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.builders import write_set
from timbalans.accounts.services import user_create
from timbalans.ingest import messages as msg
from timbalans.records.models import Decision, ImportBatch
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2025-02-15"
PASSWORD = "Hemligt-lösen-42"


@pytest.fixture
def department(tmp_path):
    source = write_set(tmp_path / "set")
    return import_batch_apply(dataset=import_dataset_validate(source=source), source=str(source))


def login(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{live_server.url}/")


def granted_card(page) -> str:
    return page.locator("section.card", has_text="Prognos mot beviljat").inner_text()


def test_a_unit_manager_enters_a_decision_letter_and_the_case_follows(
    page, live_server, department
):
    user_create(username="chef", role="unit_manager", unit_ids=["81515"], password=PASSWORD)
    login(page, live_server, "chef")
    page.goto(f"{live_server.url}/arenden/51470/?as_of={AS_OF}")
    assert re.search(r"/\s2\s586\sh", granted_card(page))
    page.get_by_role("link", name="Registrera ett nytt beslut för ärendet").click()
    page.wait_for_url(re.compile(r"/beslut/nytt/\?arende=51470"))
    assert page.get_by_role("heading", name="Nytt beslut").is_visible()
    assert page.get_by_label("Ärende").input_value() == "51470"

    page.get_by_label("Betalare").select_option("FK")
    page.get_by_label("Beviljade timmar per vecka").fill("200")
    page.get_by_label("Gäller från").fill("2025-04-01")
    page.get_by_label("Gäller till och med").fill("2025-12-31")
    page.get_by_label("Första avräkningsperiodens första dag").fill("2025-01-01")
    page.get_by_role("button", name="Spara beslutet").click()
    page.wait_for_load_state()
    error = msg.OUT_OF_RANGE.format(value="200", minimum="0", maximum="168")
    assert page.locator("#e-hours_per_week").inner_text() == error
    assert page.get_by_label("Gäller från").input_value() == "2025-04-01"  # kept
    assert axe_violations(page) == []
    screenshot(page, "nytt-beslut-fel")
    assert ImportBatch.objects.count() == 1

    page.get_by_label("Beviljade timmar per vecka").fill("120")
    page.get_by_role("button", name="Spara beslutet").click()
    # back on the case page, with the date the user last looked at it on (remembered filters)
    page.wait_for_url(re.compile(rf"/arenden/51470/\?as_of={AS_OF}$"))
    batch = ImportBatch.objects.order_by("-pk").first()
    assert batch is not None and batch.pk != department.pk
    assert page.get_by_text(f"är sparat som import {batch.pk}").is_visible()
    assert page.get_by_text("beslutet från 2025-04-01 ersätter beslutet").is_visible()
    assert Decision.objects.filter(case__case_id="51470").count() == 2
    page.goto(f"{live_server.url}/arenden/51470/?as_of={AS_OF}")
    assert re.search(r"/\s2\s846\sh", granted_card(page))


def test_a_report_texts_preview_follows_what_is_typed(page, live_server, department):
    user_create(username="ledning", role="management", password=PASSWORD)
    login(page, live_server, "ledning")
    page.goto(f"{live_server.url}/rapporter/")
    fmt = page.locator("#document-format option")
    assert fmt.all_inner_texts() == ["Word (docx)", "PDF"]
    page.locator("select[name=kind]").select_option("manadsuppfoljning")
    expect(fmt).to_have_count(1)
    assert fmt.all_inner_texts() == ["Excel (xlsx)"]
    page.get_by_role("button", name="Skapa").click()
    page.wait_for_url(re.compile(r"/rapporter/\d+/$"))
    field = page.get_by_role("textbox", name="Fortsatt fokus", exact=True)
    field.fill("Två saker:\n- Avräkningsperioderna\n- Övertiden")
    preview = page.locator("#preview-focus")
    expect(preview.locator("p")).to_have_text(["Två saker:"])
    expect(preview.locator("li")).to_have_text(["Avräkningsperioderna", "Övertiden"])
    box = field.bounding_box()
    form = page.locator("form.wide").bounding_box()
    assert box is not None and form is not None and box["width"] > 0.9 * form["width"]
    assert axe_violations(page) == []
    screenshot(page, "rapport-texter")
