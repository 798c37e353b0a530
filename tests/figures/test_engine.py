import importlib
import os
import subprocess
import sys

import polars as pl
from polars._plr import get_engine_affinity

import timbalans.figures


def test_figures_collect_in_memory_also_where_polars_was_imported_first():
    env = {k: v for k, v in os.environ.items() if k != "POLARS_ENGINE_AFFINITY"}
    code = "import polars, timbalans.figures, polars._plr as p; print(p.get_engine_affinity())"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "in-memory"


def test_an_engine_named_in_the_environment_is_left_as_it_is(monkeypatch):
    monkeypatch.setenv("POLARS_ENGINE_AFFINITY", "auto")
    pl.Config.set_engine_affinity("auto")
    try:
        importlib.reload(timbalans.figures)
        assert get_engine_affinity() == "auto"
    finally:
        monkeypatch.delenv("POLARS_ENGINE_AFFINITY")
        importlib.reload(timbalans.figures)
    assert get_engine_affinity() == "in-memory"
