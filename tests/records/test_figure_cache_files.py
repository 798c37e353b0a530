"""The figure cache's files: shared by every process, typed, one folder per data version,
written whole, and made right after an import or an undo (``figures_warm``)."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import polars as pl
import pytest

from tests.builders import write_set
from timbalans.figures.registry import FigureRequest
from timbalans.records import figure_cache
from timbalans.records.figure_access import (
    WARMED,
    FigureScope,
    figure_tables,
    figures_warm,
    key_figure_specs,
    today,
)
from timbalans.records.figure_cache import (
    figure_cache_clear,
    figure_cache_counts,
    figure_table,
    files_root,
)
from timbalans.records.selectors import figure_settings_load
from timbalans.records.services import (
    import_batch_apply,
    import_batch_undo,
    import_dataset_validate,
)

pytestmark = pytest.mark.django_db

D = dt.date(2025, 2, 28)
W_HEAD = "case_id;employee_id;start;end;break_minutes;time_type\n"
# February again for unit 81515 (case 51470): 5 h instead of the base set's 8 h.
FEBRUARY_AGAIN = W_HEAD + "51470;E1;2025-02-10 07:00;2025-02-10 12:00;0;ordinary\n"
ONLY_WORKED = dict.fromkeys(
    ("units", "cases", "decisions", "employees", "employments", "accounts", "ledger")
)
# The overview's tables (key_figure_specs with economics) and the other whole-unit tables of
# the pages: each must come back from its file exactly as computed, types and all.
TABLES = (
    "hour-balance",
    "capacity",
    "overtime",
    "absence",
    "case-economics",
    "forecast",
    "coverage",
    "absence-employees",
    "deviations",
    "limits",
)


@pytest.fixture(autouse=True)
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR


def apply(path: Path):
    return import_batch_apply(dataset=import_dataset_validate(source=path), source=str(path))


def request(as_of: dt.date = D) -> FigureRequest:
    year = dt.date(as_of.year, 1, 1)
    return FigureRequest.make(as_of, date_from=year, date_to=as_of, settings=figure_settings_load())


def version_folders() -> list[Path]:
    return sorted(p for p in files_root().iterdir() if p.is_dir())


def worked(table: pl.DataFrame, case: str) -> list[float]:
    return table.filter(pl.col("case_id") == case)["worked_hours"].to_list()


def test_every_table_read_from_its_file_equals_the_computed_one(tmp_path):
    apply(write_set(tmp_path / "base"))
    computed = {name: figure_table(name=name, request=request()) for name in TABLES}
    assert figure_cache_counts() == {"computed": len(TABLES), "frames-database": 1}
    figure_cache_clear(files=False)  # as another process: nothing in memory, the files kept
    for name in TABLES:
        read = figure_table(name=name, request=request())
        assert read.schema == computed[name].schema, name
        assert read.equals(computed[name]), name
    assert figure_cache_counts() == {"file": len(TABLES)}
    assert computed["hour-balance"].height == 2  # real rows went through the files


def test_tables_of_a_case_are_kept_in_memory_only_and_the_frames_in_files(tmp_path):
    apply(write_set(tmp_path / "base"))
    table = figure_table(name="hour-balance", request=request(), cases={"51470"})
    (folder,) = version_folders()
    assert [p.name for p in folder.iterdir()] == ["frames"]
    figure_cache_clear(files=False)
    # another process: the frames from the files, not the database; the case's table computed
    assert figure_table(name="hour-balance", request=request(), cases={"51470"}).equals(table)
    assert figure_cache_counts() == {"frames-file": 1, "computed": 1}


def test_frames_read_from_their_files_equal_those_loaded(tmp_path):
    from timbalans.records.figure_cache import frames_cached
    from timbalans.records.frames import frames_load

    apply(write_set(tmp_path / "base"))
    frames_cached()
    figure_cache_clear(files=False)
    read = frames_cached()
    assert figure_cache_counts() == {"frames-file": 1}
    for name, frame in frames_load().as_dict().items():
        assert read.as_dict()[name].schema == frame.schema, name
        assert read.as_dict()[name].equals(frame), name
    assert read.worked.height == 3


def test_the_files_are_the_server_users_only(tmp_path):
    apply(write_set(tmp_path / "base"))
    figure_table(name="hour-balance", request=request())
    (folder,) = version_folders()
    (file,) = folder.glob("*.parquet")
    assert folder.stat().st_mode & 0o777 == 0o700
    assert file.stat().st_mode & 0o777 == 0o600
    assert (folder / "frames").stat().st_mode & 0o777 == 0o700
    assert {p.stat().st_mode & 0o777 for p in (folder / "frames").iterdir()} == {0o600}


def test_units_and_settings_are_part_of_a_files_key(tmp_path):
    from timbalans.records.services import setting_update

    apply(write_set(tmp_path / "base"))
    north = figure_table(name="hour-balance", request=request(), units={"81515"})
    south = figure_table(name="hour-balance", request=request(), units={"81516"})
    figure_cache_clear(files=False)
    assert figure_table(name="hour-balance", request=request(), units={"81515"}).equals(north)
    assert figure_table(name="hour-balance", request=request(), units={"81516"}).equals(south)
    assert north["case_id"].to_list() == ["51470"] and south["case_id"].to_list() == ["51357"]
    assert figure_cache_counts() == {"file": 2}

    setting_update(key="status_under_pct", value=-99.0)
    figure_cache_clear(files=False)
    # 51357 is "under" at −3 % and "balanced" at −99 % (test_figure_cache.py): a file of the
    # old setting is not read, and the new version's folder replaced the old one's.
    after = figure_table(name="hour-balance", request=request(), units={"81516"})
    assert after["status"].to_list() == ["balanced"]
    assert south["status"].to_list() == ["under"]
    assert figure_cache_counts() == {"computed": 1, "frames-database": 1}
    assert len(version_folders()) == 1


def test_the_warm_up_after_an_import_and_an_undo_leaves_the_new_figures_in_files(tmp_path):
    apply(write_set(tmp_path / "base"))
    # Unit managers' scopes are warmed too; these tests' users are made by other fixtures.
    # Seven tables of every unit, then the case pages' days and staff of every case.
    assert figures_warm(as_of=D) == 9
    (first,) = version_folders()
    assert len(list(first.glob("*.parquet"))) == 9

    batch = apply(write_set(tmp_path / "feb", **ONLY_WORKED, worked=FEBRUARY_AGAIN))
    figure_cache_clear(files=False)
    assert figures_warm(as_of=D) == 9
    assert figure_cache_counts() == {"computed": 9, "frames-database": 1, "memory": 1}
    (second,) = version_folders()  # the older version's folder is gone
    assert second != first
    figure_cache_clear(files=False)
    hb = figure_table(
        name="hour-balance", request=FigureRequest.make(D, settings=figure_settings_load())
    )
    assert figure_cache_counts() == {"file": 1}
    # 51470: January 8 h, February 5 h instead of 8 h (the second import).
    assert worked(hb, "51470") == [13.0]

    import_batch_undo(number=batch.number)
    figure_cache_clear(files=False)
    figures_warm(as_of=D)
    (third,) = version_folders()
    assert third not in (first, second)
    figure_cache_clear(files=False)
    hb = figure_table(
        name="hour-balance", request=FigureRequest.make(D, settings=figure_settings_load())
    )
    assert figure_cache_counts() == {"file": 1}
    assert worked(hb, "51470") == [16.0]


def test_the_warm_up_covers_each_unit_managers_units(tmp_path, users):
    apply(write_set(tmp_path / "base"))
    # every unit, and 81515 of the unit manager "chef" (tests/conftest.py), and the case
    # pages' two tables of every case
    assert figures_warm(as_of=D) == 16
    figure_cache_clear(files=False)
    specs = key_figure_specs(as_of=D, economics=True)
    figure_tables(scope=FigureScope(as_of=D, units=frozenset({"81515"})), specs=specs)
    assert figure_cache_counts() == {"file": 6}


def test_writers_at_the_same_time_leave_one_whole_file(tmp_path):
    apply(write_set(tmp_path / "base"))
    table = figure_table(name="hour-balance", request=request())
    (folder,) = version_folders()
    (path,) = folder.glob("*.parquet")
    errors: list[BaseException] = []

    def write() -> None:
        try:
            for _ in range(20):
                figure_cache._file_write(path, table)
                assert pl.read_parquet(path).equals(table)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=write) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    assert sorted(p.name for p in folder.iterdir()) == sorted([path.name, "frames"])  # no .part


def run_cli(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    """The real entry point in a new process on the embedded SQLite database of data_dir."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIMBALANS_DATA_DIR"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "timbalans", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


# A second process: the overview's tables on today's D for every unit, and how it got them.
READ_OVERVIEW_TABLES = """
import json
from timbalans.records.figure_access import FigureScope, figure_tables, key_figure_specs, today
from timbalans.records.figure_cache import data_version_pinned, figure_cache_counts
as_of = today()
with data_version_pinned():
    tables = figure_tables(
        scope=FigureScope(as_of=as_of), specs=key_figure_specs(as_of=as_of, economics=True)
    )
print(json.dumps({"counts": figure_cache_counts(), "tables": sorted(tables)}))
"""


def read_in_another_process(data_dir: Path) -> dict[str, object]:
    code = (
        "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'timbalans.config.settings'); django.setup()\n" + READ_OVERVIEW_TABLES
    )
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TIMBALANS_DATA_DIR"] = str(data_dir)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_after_the_import_command_another_process_reads_the_overview_from_files(
    tmp_path, migrated_data_dir
):
    data_dir = migrated_data_dir(tmp_path / "cli-data")
    source = write_set(tmp_path / "base")
    imported = run_cli("import", str(source), "--no-progress", data_dir=data_dir)
    assert imported.returncode == 0, imported.stderr
    assert WARMED.format(as_of=today(), tables=9) in imported.stdout
    (first,) = (p for p in (data_dir / "figure-cache").iterdir() if p.is_dir())
    assert len(list(first.glob("*.parquet"))) == 9

    read = read_in_another_process(data_dir)
    assert read["counts"] == {"file": 6}  # nothing computed
    assert read["tables"] == sorted(key_figure_specs(as_of=today(), economics=True))

    undone = run_cli("undo-import", "1", data_dir=data_dir)
    assert undone.returncode == 0, undone.stderr
    assert WARMED.format(as_of=today(), tables=9) in undone.stdout
    (second,) = (p for p in (data_dir / "figure-cache").iterdir() if p.is_dir())
    assert second != first  # the undone version's files are gone
    assert read_in_another_process(data_dir)["counts"] == {"file": 6}


def test_a_text_is_computed_once_and_read_by_the_others_from_its_file(tmp_path):
    from timbalans.records.figure_cache import text_file_cached

    apply(write_set(tmp_path / "base"))
    made: list[int] = []

    def compute() -> str:
        made.append(1)
        return "<svg>å</svg>"

    key = ("timbalans.figures.charts", "bars", ((1.5, dt.date(2025, 1, 1)),))
    assert text_file_cached(kind="svg", key=key, compute=compute) == "<svg>å</svg>"
    assert text_file_cached(kind="svg", key=key, compute=compute) == "<svg>å</svg>"
    assert made == [1]
    assert figure_cache_counts() == {"svg-computed": 1, "svg-file": 1}
    (folder,) = version_folders()
    assert [p.name for p in (folder / "svg").iterdir()] == [
        p.name for p in (folder / "svg").glob("*.txt")
    ]


def test_a_chart_rendered_by_one_process_is_read_by_another(tmp_path, users, client):
    from timbalans.figures import charts

    apply(write_set(tmp_path / "base"))
    client.force_login(users["controller"])
    charts._svg_by_input.clear()  # charts of earlier tests with the same figures
    first = client.get(f"/?as_of={D}").content.decode()
    assert figure_cache_counts()["svg-computed"] == 3  # status, overtime, result per unit
    figure_cache_clear(files=False)
    charts._svg_by_input.clear()  # as another process
    again = client.get(f"/?as_of={D}").content.decode()
    counts = figure_cache_counts()
    assert counts.get("svg-file") == 3 and "svg-computed" not in counts
    svgs = re.findall(r"<svg.*?</svg>", first, re.DOTALL)
    assert len(svgs) == 3
    assert re.findall(r"<svg.*?</svg>", again, re.DOTALL) == svgs


def test_the_warm_up_draws_each_users_overview_so_the_first_one_is_read(tmp_path, users, client):
    from timbalans.figures import charts

    apply(write_set(tmp_path / "base"))
    charts._svg_by_input.clear()  # charts of earlier tests with the same figures
    figures_warm(as_of=D)
    for role, drawn in [("controller", 3), ("chef", 3)]:  # every unit, and unit 81515
        figure_cache_clear(files=False)
        charts._svg_by_input.clear()  # as another server process, after the import
        client.force_login(users[role])
        html = client.get(f"/?as_of={D}").content.decode()
        assert len(re.findall(r"<svg.*?</svg>", html, re.DOTALL)) == drawn
        counts = figure_cache_counts()
        assert counts.get("svg-file") == drawn, role
        assert "svg-computed" not in counts and "computed" not in counts, counts


def test_an_import_and_its_undo_stand_and_say_so_when_the_warm_up_fails(tmp_path, monkeypatch):
    import io

    from django.core.management import call_command

    from timbalans.records import figure_access
    from timbalans.records import models as m

    def broken(as_of: dt.date) -> None:
        raise RuntimeError("diagrammet kunde inte ritas")

    monkeypatch.setattr(figure_access, "WARMERS", [broken])
    failed = figure_access.WARM_FAILED.format(
        as_of=today(), error="RuntimeError: diagrammet kunde inte ritas"
    )
    assert failed == (
        f"Nyckeltalen för D = {today()} kunde inte beräknas i förväg (RuntimeError: diagrammet "
        "kunde inte ritas); ändringen står kvar och nyckeltalen beräknas när någon öppnar en sida."
    )
    out = io.StringIO()
    call_command("import", str(write_set(tmp_path / "base")), "--no-progress", stdout=out)
    assert failed in out.getvalue()
    batch = m.ImportBatch.objects.get()
    assert batch.status == m.ImportBatch.Status.APPLIED
    assert m.Worked.objects.filter(replaced_by=None).exists()

    out = io.StringIO()
    call_command("undo_import", str(batch.pk), stdout=out)  # not 1 on PostgreSQL
    assert failed in out.getvalue()
    assert m.ImportBatch.objects.get().status == m.ImportBatch.Status.UNDONE
    assert not m.Worked.objects.exists()
