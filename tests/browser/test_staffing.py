"""In a real browser: a coordinator computes the batch proposal for the open shifts, books it
whole with "Boka alla" after its confirmation, undoes the whole booking, then books only the
shift she keeps checked."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_browser import PASSWORD, login
from tests.builders import write_set
from tests.web.conftest import ABSENCES, SHIFTS
from timbalans.accounts.services import user_create
from timbalans.records.models import Shift
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.rostering.models import Booking

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = "2025-02-15"
# S2 (case 51357, Friday 21 February 22-07) and S3 (case 51470, Thursday 20 February 08-12)
# are open; E1 works S1 on the 20th 07-16, so the proposal gives S3 to E2 and S2 to E1.
OPEN = SHIFTS + "S3;51470;;2025-02-20 08:00;2025-02-20 12:00;0;assistance\n"


@pytest.fixture
def open_shifts(tmp_path):
    d = write_set(tmp_path / "set", absences=ABSENCES, shifts=OPEN)
    import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    user_create(username="samordnare", role="coordinator", password=PASSWORD)


def _open() -> list[str]:
    return sorted(
        Shift.objects.filter(
            replaced_by__isnull=True, employee__isnull=True, shift_id__in=["S2", "S3"]
        ).values_list("shift_id", flat=True)
    )


def test_boka_alla_books_the_proposal_after_its_confirmation_and_is_undone_whole(
    page, live_server, open_shifts
):
    login(page, live_server, "samordnare")
    page.goto(f"{live_server.url}/bemanning/oppna-pass/?as_of={AS_OF}")
    page.get_by_role("button", name="Beräkna bemanningsförslag").click()
    page.wait_for_url(re.compile(r"/bemanning/forslag/\d+/$"))
    # Computed in the background; the page polls until it is done.
    page.get_by_role("button", name="Boka alla").wait_for()
    assert page.get_by_text("Bästa lösning").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "bemanningsforslag")

    page.get_by_role("button", name="Boka alla").click()
    page.get_by_role("heading", name="Bekräfta bokning av 2 pass").wait_for()
    text = page.locator("main").inner_text()
    assert "Merkostnad för passen: 1 946 kr." in text.replace("\u00a0", " ")
    assert "Samma pass ett i taget i prioritetsordning: 1 946 kr (2 av 2 bemannade)." in (
        text.replace("\u00a0", " ")
    )
    rows = page.locator("table.data tbody tr").all_inner_texts()
    assert [r.split("\t")[0] for r in rows] == ["S3", "S2"]
    assert "E2 Bo Berg" in rows[0]
    assert "E1 Anna Andersson" in rows[1]
    assert axe_violations(page) == []
    assert _open() == ["S2", "S3"]  # nothing booked before the confirmation

    page.get_by_role("button", name="Bekräfta bokningen").click()
    page.wait_for_url(re.compile(r"/bemanning/bokningar/\d+/$"))
    number = int(page.url.rstrip("/").split("/")[-1])
    assert page.get_by_role("heading", name=f"Bokning {number}").is_visible()
    assert page.get_by_text(re.compile(r"^Bokat ur förslag \d+: 2 pass\.$")).is_visible()
    assert page.get_by_role("cell", name="E2 Bo Berg").is_visible()
    assert page.get_by_role("cell", name="E1 Anna Andersson").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "bokning")
    assert _open() == []
    assert Booking.objects.filter(batch_id=number).count() == 2

    page.get_by_role("button", name="Ångra bokningen").click()
    page.get_by_text(f"Bokningen {number} är ångrad: passen är öppna igen.").wait_for()
    assert page.get_by_role("button", name="Ångra bokningen").count() == 0
    assert _open() == ["S2", "S3"]

    # Partial: only S2 kept checked.
    page.goto(f"{live_server.url}/bemanning/oppna-pass/?as_of={AS_OF}")
    page.get_by_role("link", name=re.compile(r"^Förslag \d+$")).first.click()
    page.get_by_label("Boka pass S3").uncheck()
    page.get_by_role("button", name="Boka markerade").click()
    page.get_by_role("heading", name="Bekräfta bokning av 1 pass").wait_for()
    page.get_by_role("button", name="Bekräfta bokningen").click()
    page.wait_for_url(re.compile(r"/bemanning/bokningar/\d+/$"))
    assert _open() == ["S3"]
