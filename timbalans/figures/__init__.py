"""The figures: pure functions of the canonical frames (docs/design.md, "Figures").

Polars 2 runs a lazy query's ``collect()`` on its streaming engine unless told otherwise (its
eager methods always run in memory). The figures' lazy queries are steps among many on
frames that fit in memory, where the streaming engine's set-up is most of a small query's
cost: sick spells at 762k rows take 11 ms streaming and 4 ms in memory, and the six tables of
the municipality benchmark about a tenth less CPU in all. So a process that computes figures
collects in memory, unless ``POLARS_ENGINE_AFFINITY`` in its environment says otherwise.
The one exception is ``core.intervals.period_pieces``, whose join repeats each interval
for each period of its case: it collects on the streaming engine (national peak 3.6 GB,
3.8 GB with it in memory).
"""

import os

import polars as pl

if "POLARS_ENGINE_AFFINITY" not in os.environ:
    pl.Config.set_engine_affinity("in-memory")
