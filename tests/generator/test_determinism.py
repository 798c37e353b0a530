"""Same seed and until give byte-identical files; the format and the CLI write the same data."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tests.generator.conftest import SEED, UNTIL, DataSet
from timbalans.generator import generate
from timbalans.generator.__main__ import main
from timbalans.ingest.schema import TABLE_ORDER


def _bytes(path: Path, ext: str = "csv") -> dict[str, bytes]:
    return {name: (path / f"{name}.{ext}").read_bytes() for name in TABLE_ORDER}


def test_the_same_seed_and_until_give_identical_files(ds: DataSet, tmp_path: Path) -> None:
    counts = generate(tmp_path, scale="department", seed=SEED, until=UNTIL)
    assert counts == ds.counts
    assert _bytes(tmp_path) == _bytes(ds.path)


def test_another_seed_gives_another_data_set(ds: DataSet, tmp_path: Path) -> None:
    generate(tmp_path, scale="department", seed=SEED + 1, until=UNTIL)
    other = _bytes(tmp_path)
    mine = _bytes(ds.path)
    assert other["units"] == mine["units"]
    for name in ("cases", "employees", "shifts", "worked", "ledger"):
        assert other[name] != mine[name], name


def test_parquet_holds_the_same_rows_as_csv(ds: DataSet, tmp_path: Path) -> None:
    counts = generate(tmp_path, scale="department", seed=SEED, until=UNTIL, fmt="parquet")
    assert counts == ds.counts
    for name in TABLE_ORDER:
        frame = pl.read_parquet(tmp_path / f"{name}.parquet")
        as_csv = frame.write_csv(separator=";", float_precision=2, line_terminator="\n")
        assert as_csv.encode() == (ds.path / f"{name}.csv").read_bytes(), name
    again = tmp_path / "again"
    generate(again, scale="department", seed=SEED, until=UNTIL, fmt="parquet")
    assert _bytes(again, "parquet") == _bytes(tmp_path, "parquet")


def test_main_writes_the_files_and_prints_the_row_counts(
    ds: DataSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(tmp_path), "--seed", str(SEED), "--until", UNTIL.isoformat()]) == 0
    printed = dict(line.split() for line in capsys.readouterr().out.splitlines())
    assert {k: int(v) for k, v in printed.items()} == ds.counts
    assert _bytes(tmp_path) == _bytes(ds.path)


def test_python_m_runs_the_generator(tmp_path: Path) -> None:
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "timbalans.generator",
            str(tmp_path),
            "--scale",
            "department",
            "--seed",
            "3",
            "--until",
            "2025-06-30",
            "--format",
            "csv",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"cases": 40' in run.stdout
    ledger = pl.read_csv(tmp_path / "ledger.csv", separator=";", infer_schema_length=0)
    assert ledger["month"].max() == "2025-05"


def test_unknown_scale_or_format_and_an_until_before_the_data_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="scale"):
        generate(tmp_path, scale="county")
    with pytest.raises(ValueError, match="format"):
        generate(tmp_path, fmt="xlsx", until=UNTIL)
    with pytest.raises(ValueError, match="before"):
        generate(tmp_path, until=UNTIL.replace(year=2024))
