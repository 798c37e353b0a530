"""Importing through mapping profiles: `timbalans import PATH --profile FILE`, profiles kept in
the data folder, saved profile versions, and what each batch records of them."""

from __future__ import annotations

import hashlib
from importlib import resources

import pytest
from django.core.management import CommandError, call_command

from tests.builders import write_set
from timbalans.ingest import messages as msg
from timbalans.records import models as m
from timbalans.records.mapping_profiles import (
    ProfileInvalid,
    mapping_profile_list,
    mapping_profile_save,
    profile_of_version,
)
from timbalans.records.services import import_batch_undo

pytestmark = pytest.mark.django_db

TIMECARE = (
    "Pass-ID;Ärende;Anställningsnr;Datum;Start;Slut;Rast;Passtyp\n"
    "P1;51470;E1;2025-02-20;07:00;16:00;1:00;Pass\n"
    "P2;51357;;2025-02-21;22:00;07:00;0:00;Jour\n"
    "P3;51470;E1;2025-02-22;07:00;16:00;0:30;Ledig\n"
)
PROFILE = (
    resources.files("timbalans.ingest.profile_examples") / "timecare-schema.profile.toml"
).read_text("utf-8")


def _folder(tmp_path, *, with_profile: bool):
    folder = write_set(tmp_path / "set")
    (folder / "TimeCare_v8.csv").write_text(TIMECARE, encoding="utf-8")
    if with_profile:
        (folder / "timecare.profile.toml").write_text(PROFILE, encoding="utf-8")
    return folder


def test_import_with_an_explicit_profile_records_it_and_undoes_exactly(tmp_path, capsys):
    folder = _folder(tmp_path, with_profile=False)
    profile_file = tmp_path / "min-profil.profile.toml"
    profile_file.write_text(PROFILE, encoding="utf-8")
    call_command("import", str(folder), "--no-progress", "--profile", str(profile_file))
    batch = m.ImportBatch.objects.get()
    sha = hashlib.sha256(PROFILE.encode()).hexdigest()
    assert batch.profiles == [
        {
            "name": "Schema från TimeCare/Medvind",
            "version": None,
            "sha256": sha,
            "source": "min-profil.profile.toml",
            "files": ["TimeCare_v8.csv"],
        }
    ]
    assert batch.rows["shifts"] == 2
    night = m.Shift.objects.get(shift_id="P2")
    assert (night.end - night.start).total_seconds() == 9 * 3600
    assert "mappningsprofil Schema från TimeCare/Medvind (min-profil.profile.toml" in (
        capsys.readouterr().out
    )
    call_command("batches")
    assert (
        f"profil Schema från TimeCare/Medvind (min-profil.profile.toml)  sha256 {sha}  "
        "filer: TimeCare_v8.csv" in capsys.readouterr().out
    )
    import_batch_undo(number=batch.pk)
    assert m.Shift.objects.count() == 0


def test_a_profile_in_the_folder_is_used_and_a_saved_version_is_recorded_as_such(tmp_path):
    version, new = mapping_profile_save(text=PROFILE)
    assert (version.number, new) == (1, True)
    call_command("import", str(_folder(tmp_path, with_profile=True)), "--no-progress")
    [used] = m.ImportBatch.objects.get().profiles
    assert (used["source"], used["version"], used["files"]) == (
        "timecare.profile.toml",
        1,
        ["TimeCare_v8.csv"],
    )


def test_a_broken_profile_stops_the_import_naming_its_line(tmp_path, capsys):
    folder = _folder(tmp_path, with_profile=False)
    profile_file = tmp_path / "trasig.profile.toml"
    profile_file.write_text(PROFILE.replace('case_id = "Ärende"', 'arende_nr = "Ärende"'))
    with pytest.raises(CommandError) as exc:
        call_command("import", str(folder), "--no-progress", "--profile", str(profile_file))
    assert str(exc.value) == msg.REJECTED.format(count=2)
    err = capsys.readouterr().err
    assert 'trasig.profile.toml, rad 15: kolumnen "arende_nr" finns inte i tabellen shifts' in err
    assert (
        "trasig.profile.toml, rad 13: " + msg.PROFILE_REQUIRED_COLUMN.format(column="case_id")
        in err
    )
    assert m.ImportBatch.objects.count() == 0


def test_a_code_the_profile_does_not_map_rejects_the_set(tmp_path, capsys):
    folder = _folder(tmp_path, with_profile=True)
    (folder / "TimeCare_v8.csv").write_text(
        TIMECARE + "P4;51470;E1;2025-02-23;07:00;16:00;0:00;Kurs\n"
    )
    with pytest.raises(CommandError):
        call_command("import", str(folder), "--no-progress")
    assert (
        'TimeCare_v8.csv, rad 5, kolumn "Passtyp": koden "Kurs" saknas i profilens värdelista '
        "för kind (timecare.profile.toml, rad 23)" in capsys.readouterr().err
    )
    assert m.Shift.objects.count() == 0


def test_figures_from_a_folder_with_a_profile_equal_those_from_the_database(tmp_path, capsys):
    folder = _folder(tmp_path, with_profile=True)
    call_command("import", str(folder), "--no-progress")
    capsys.readouterr()
    args = ["figures", "coverage", "--as-of", "2025-02-28", "--format", "csv"]
    call_command(*args)
    from_database = capsys.readouterr().out
    call_command(*args, "--data", str(folder))
    from_files = capsys.readouterr().out
    assert from_files == from_database
    assert from_files.count("\n") > 1


def test_saving_keeps_every_version_and_skips_an_unchanged_text():
    first, _ = mapping_profile_save(text=PROFILE)
    same, new = mapping_profile_save(text=PROFILE)
    assert (same.pk, new) == (first.pk, False)
    changed = PROFILE.replace('"Ledig" = false', '"Ledig" = false\n"Kurs" = false')
    second, new = mapping_profile_save(text=changed)
    assert (second.number, new) == (2, True)
    assert [v.number for v in m.MappingProfileVersion.objects.order_by("number")] == [1, 2]
    assert mapping_profile_list() == [second]
    assert profile_of_version(second).source == "profilen Schema från TimeCare/Medvind version 2"
    with pytest.raises(ProfileInvalid) as exc:
        mapping_profile_save(text=PROFILE.replace('table = "shifts"', 'table = "x"'))
    assert exc.value.problems[0].row == 6
    assert m.MappingProfileVersion.objects.count() == 2
