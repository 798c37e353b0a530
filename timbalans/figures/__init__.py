"""The figures: pure functions of the canonical frames (docs/design.md, "Figures").

Polars 2 runs a lazy query's ``collect()`` on its streaming engine unless told otherwise (its
eager methods always run in memory). The figures' lazy queries are steps among many on
frames that fit in memory, where the streaming engine's set-up is most of a small query's
cost: sick spells at 762k rows take 11 ms streaming and 4 ms in memory, and the six tables of
the municipality benchmark about a tenth less CPU in all. So a process that computes figures
collects in memory, unless ``POLARS_ENGINE_AFFINITY`` in its environment says otherwise.
National scale, measured both ways: the same CPU, peak 3.6 GB in memory against 3.5 GB.
"""

import os

import polars as pl

if "POLARS_ENGINE_AFFINITY" not in os.environ:
    pl.Config.set_engine_affinity("in-memory")
