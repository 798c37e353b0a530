"""timbalans staffing propose / fill on a small imported data set."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.rostering.data import ABSENCES, write_staffing_set
from timbalans.records.services import import_batch_apply, import_dataset_validate
from timbalans.rostering.models import CaseStaffingRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(staffing_dir):
    import_batch_apply(dataset=import_dataset_validate(source=staffing_dir), source="test")
    return staffing_dir


def run(*args: str) -> str:
    out = StringIO()
    call_command("staffing", *args, stdout=out)
    return out.getvalue()


def test_propose_lists_the_candidates_and_the_excluded_as_json(imported):
    data = json.loads(run("propose", "--shift", "P2", "--as-of", "2025-03-02", "--format", "json"))
    assert data["shift"]["reason"] == "absent_employee"
    assert data["shift"]["absent_employee_id"] == "E3"
    assert [(c["employee_id"], c["tier"], c["known"]) for c in data["candidates"]] == [
        ("E1", 1, True),
        ("E2", 3, False),
    ]
    assert data["candidates"][0]["cost_sek"] == 0.0  # a weekday day shift has no OB
    # E2: 180 × (1 + 0.12) × 8 h × (1 + 0.4453), the 2025 example rates.
    assert data["candidates"][1]["cost_sek"] == pytest.approx(180 * 1.12 * 8 * 1.4453, abs=0.01)
    assert [(e["employee_id"], e["rule"]) for e in data["excluded"]] == [("E3", "absent")]


def test_propose_as_text_names_the_reasons(imported):
    text = run("propose", "--shift", "P1", "--as-of", "2025-03-02")
    assert (
        "Pass P1, ärende 51470, enhet 81515: 2025-03-04 07:00–15:00 (assistance, obemannat)" in text
    )
    assert "  1. E1 (81515) Outnyttjad avtalstid, 0 kr" in text
    assert "       Känd av brukaren: senast i ärendet 2025-02-10" in text
    assert "     E2 (81516): Har redan pass eller arbetad tid som överlappar passet" in text
    assert "     E3 (81515): Har redan pass eller arbetad tid som överlappar passet" in text


def test_propose_refuses_a_shift_that_is_not_open(imported):
    with pytest.raises(CommandError) as exc:
        run("propose", "--shift", "P3", "--as-of", "2025-03-02")
    assert str(exc.value) == "Passet P3 är inte ett öppet pass efter 2025-03-02."


def test_fill_proposes_every_open_shift_of_the_unit_as_json(imported):
    data = json.loads(
        run(
            "fill",
            "--unit",
            "81515",
            "--from",
            "2025-03-03",
            "--to",
            "2025-03-09",
            "--as-of",
            "2025-03-02",
            "--format",
            "json",
            "--time-limit",
            "5",
        )
    )
    assert [s["id"] for s in data["shifts"]] == ["P1", "P2"]
    proposal = data["proposal"]
    assert sorted((a["shift_id"], a["employee_id"]) for a in proposal["assignments"]) == [
        ("P1", "E1"),
        ("P2", "E1"),
    ]
    assert proposal["status"] == "optimal"
    assert proposal["gap"] == 0.0
    assert proposal["cost_sek"] == 0.0
    assert data["greedy"]["cost_sek"] == 0.0
    assert data["saving_sek"] == 0.0
    assert data["objective_saving_sek"] == 0.0
    assert data["violations"] == []


def test_fill_refuses_an_unknown_unit(imported):
    with pytest.raises(CommandError) as exc:
        run(
            "fill",
            "--unit",
            "99999",
            "--from",
            "2025-03-03",
            "--to",
            "2025-03-09",
            "--as-of",
            "2025-03-02",
        )
    assert str(exc.value) == "Enheten 99999 finns inte."


def test_fill_refuses_a_reversed_horizon(imported):
    with pytest.raises(
        CommandError, match=r"--from \(2025-03-09\) ligger efter --to \(2025-03-03\)."
    ):
        run("fill", "--from", "2025-03-09", "--to", "2025-03-03")


def test_fill_says_so_when_the_horizon_is_not_after_d(imported):
    with pytest.raises(CommandError) as exc:
        run("fill", "--from", "2025-02-24", "--to", "2025-03-02", "--as-of", "2025-03-02")
    assert str(exc.value) == (
        "Perioden 2025-02-24–2025-03-02 ligger inte efter D (2025-03-02): förslag görs bara "
        "för pass som börjar efter D. Ange --from och --to efter D, eller ett tidigare --as-of."
    )


@pytest.mark.parametrize("source", ["database", "files"])
def test_fill_after_the_last_schedule_says_where_the_schedule_ends(source, imported):
    data = ["--data", str(imported)] if source == "files" else []
    text = run("fill", *data, "--from", "2025-04-01", "--to", "2025-04-07", "--as-of", "2025-03-02")
    assert text.splitlines() == [
        "Inga öppna pass att bemanna 2025-04-01–2025-04-07 (D = 2025-03-02).",
        "Schemat slutar 2025-03-05: det finns inga planerade pass efter det att bemanna.",
    ]


def test_fill_reads_canonical_files_with_data(staffing_dir):
    text = run(
        "fill",
        "--data",
        str(staffing_dir),
        "--from",
        "2025-03-03",
        "--to",
        "2025-03-09",
        "--as-of",
        "2025-03-02",
    )
    assert text.splitlines()[0] == "Öppna pass: 2, kandidater: 3, D = 2025-03-02"
    assert (
        "Besparing mot prioritetsordningen: merkostnad 0 kr (–), "
        "med straff för nya för brukaren 0 kr (–)"
    ) in text


# Case 51470 takes only assistants known to the client: E1 worked there in February, E2 never.
@pytest.fixture
def known_only_51470(db):
    CaseStaffingRule.objects.create(case_id="51470", known_only=True, changed_by_name="test")


def test_propose_excludes_a_stranger_where_the_case_takes_known_staff_only(
    imported, known_only_51470
):
    data = json.loads(run("propose", "--shift", "P2", "--as-of", "2025-03-02", "--format", "json"))
    assert [c["employee_id"] for c in data["candidates"]] == ["E1"]
    assert [(e["employee_id"], e["rule"], e["reason"]) for e in data["excluded"]] == [
        (
            "E2",
            "known_only",
            "Ärendet tar bara emot assistenter som arbetat där de senaste 90 dagarna",
        ),
        ("E3", "absent", "Frånvarande under passet"),
    ]


@pytest.fixture
def e1_sick_on_wednesday(tmp_path):
    """E1 is sick on 5 March too: P2's only candidate is E2, new to the client."""
    absences = ABSENCES + "E1;2025-03-05;2025-03-05;sick;100;\n"
    source = write_staffing_set(tmp_path / "e1-sick", absences=absences)
    import_batch_apply(dataset=import_dataset_validate(source=source), source="test")


def _fill_assignments(*extra: str) -> tuple[list[tuple[str, str]], list[str]]:
    data = json.loads(
        run(
            "fill",
            "--unit",
            "81515",
            "--from",
            "2025-03-03",
            "--to",
            "2025-03-09",
            "--as-of",
            "2025-03-02",
            "--format",
            "json",
            "--time-limit",
            "5",
            *extra,
        )
    )
    proposal = data["proposal"]
    return sorted((a["shift_id"], a["employee_id"]) for a in proposal["assignments"]), proposal[
        "unfilled"
    ]


def test_fill_gives_the_shift_to_a_stranger_where_the_case_has_no_rule(e1_sick_on_wednesday):
    assert _fill_assignments() == ([("P1", "E1"), ("P2", "E2")], [])


def test_fill_leaves_the_shift_open_where_the_case_takes_known_staff_only(
    e1_sick_on_wednesday, known_only_51470
):
    assert _fill_assignments() == ([("P1", "E1")], ["P2"])


def test_a_config_files_own_case_rule_wins_over_the_stored_one(
    e1_sick_on_wednesday, known_only_51470, tmp_path
):
    config = tmp_path / "bemanning.json"
    config.write_text(json.dumps({"cases": {"51470": {"known_only": False}}}), encoding="utf-8")
    assert _fill_assignments("--config", str(config)) == ([("P1", "E1"), ("P2", "E2")], [])
