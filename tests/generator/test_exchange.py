"""``generate-data --exchange``: the demo's time and absences as PAXml, its ledger as SIE 4,
read back into exactly the canonical rows, so every figure is the same."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from polars.testing import assert_frame_equal

from tests.generator.conftest import DataSet
from timbalans.figures.frames import frames_from_files
from timbalans.figures.registry import FigureRequest, figure_function
from timbalans.generator.exchange import PAXML_FILE, SIE_FILE, write_exchange
from timbalans.ingest import paxml_scan
from timbalans.ingest.exchange_options import PaxmlOptions
from timbalans.ingest.paxml import read_general, read_plain


def test_the_exchange_files_read_back_into_the_same_frames_and_figures(
    ds: DataSet, tmp_path: Path
) -> None:
    folder = tmp_path / "exchange"
    shutil.copytree(ds.path, folder)
    counts = write_exchange(folder)
    assert counts == {
        PAXML_FILE: ds.counts["worked"] + ds.counts["absences"],
        SIE_FILE: ds.counts["ledger"],
    }
    assert not any((folder / f"{t}.csv").exists() for t in ("worked", "absences", "ledger"))
    assert (
        (folder / PAXML_FILE)
        .read_bytes()
        .startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    )
    assert (folder / SIE_FILE).read_bytes().startswith(b"#FLAGGA 0\r\n#FORMAT PC8\r\n")

    canonical = frames_from_files(ds.path)
    exchange = frames_from_files(folder)
    for table in ("worked", "absences", "ledger"):
        assert_frame_equal(getattr(exchange, table), getattr(canonical, table)), table
    request = FigureRequest.make(date(2026, 10, 31), date_from=date(2025, 1, 1))
    for name in ("hour-balance", "absence", "case-economics"):
        (
            assert_frame_equal(
                figure_function(name)(exchange, request), figure_function(name)(canonical, request)
            ),
            name,
        )


def test_generate_data_exchange_writes_the_exchange_files_beside_the_canonical_ones(
    tmp_path: Path, capsys
) -> None:
    from django.core.management import call_command

    out = tmp_path / "demo"
    call_command("generate_data", str(out), "--until", "2025-03-31", "--exchange")
    assert sorted(p.name for p in out.iterdir()) == [
        "accounts.csv",
        "budget.csv",
        "cases.csv",
        "decisions.csv",
        "employees.csv",
        "employments.csv",
        "fk_reports.csv",
        PAXML_FILE,
        "shifts.csv",
        SIE_FILE,
        "units.csv",
    ]
    assert f"{PAXML_FILE}: " in capsys.readouterr().out


def test_the_demo_paxml_is_read_by_the_fast_reader_as_by_the_general_one(
    ds: DataSet, tmp_path: Path, monkeypatch
) -> None:
    folder = tmp_path / "exchange"
    shutil.copytree(ds.path, folder)
    write_exchange(folder)
    data = (folder / PAXML_FILE).read_bytes()
    monkeypatch.setattr(paxml_scan, "CHUNK_BYTES", 1 << 16)  # a chunk end every ~250 records
    plain = read_plain(PAXML_FILE, data, PaxmlOptions())  # NotPlain if it left the file
    general = read_general(PAXML_FILE, data, PaxmlOptions())
    assert plain.problems == general.problems == []
    assert plain.frames.keys() == general.frames.keys() == {"worked", "absences"}
    for table, (frame, source) in plain.frames.items():
        assert_frame_equal(frame, general.frames[table][0])
        assert source.lines == general.frames[table][1].lines
        assert source.cost_centers == general.frames[table][1].cost_centers
