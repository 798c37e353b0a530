import os
import subprocess
import sys


def _affinity(env: dict[str, str]) -> str:
    code = (
        "import polars, timbalans.figures; "
        "from polars._plr import get_engine_affinity; print(get_engine_affinity())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return out.stdout.strip()


def test_figures_collect_in_memory_unless_the_environment_says_otherwise():
    env = {k: v for k, v in os.environ.items() if k != "POLARS_ENGINE_AFFINITY"}
    # Polars imported first, as a test or a benchmark may do: the figures still set it.
    assert _affinity(env) == "in-memory"
    assert _affinity({**env, "POLARS_ENGINE_AFFINITY": "streaming"}) == "streaming"
