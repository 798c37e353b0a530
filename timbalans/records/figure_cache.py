"""The process's figure cache: frames, figure tables and results derived from them, kept per
data version (:func:`figure_data_version`) so nothing computed before an import, an undo or a
setting change is served after it."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import close_old_connections, connection

from timbalans.figures.frames import Frames
from timbalans.records import frames as reader
from timbalans.records import models as m

FRAMES_CACHE_SIZE = 16  # scoped frames (per unit/case selection) kept besides the full set
TABLE_CACHE_SIZE = 256  # computed figure tables kept
RESULT_CACHE_SIZE = 256  # results derived from figure tables (the pages' compositions) kept

DataVersion = tuple[Any, ...]


def figure_data_version() -> DataVersion:
    """What the figures read, as a stamp that changes whenever it changes.

    ``(newest batch in force, newest batch ever, its time, batches undone, newest setting
    change, settings changed, last setting change time, newest admin log entry, newest rate
    change)``. An import adds a batch, an undo undoes one, a setting change (through the
    service or the admin) writes a ``SettingChange`` and touches ``Setting.changed_at``, a
    rate change (:func:`timbalans.records.rates.rate_update`) writes a ``RateChange``: each
    moves the stamp, and it does not come back to an earlier value, so a result cached under
    it is never served for other data. An edit of a row in the admin writes the admin's log,
    whose newest entry is in the stamp too. (Undo restores the state before the batch
    exactly, so the newest batch in force names the data; the counters and the time keep the
    stamp one-way across an import and its undo, and across a database whose numbering
    starts over, as in tests.)

    Inside :func:`data_version_pinned` (a page being read) it is the stamp read when the pin
    was set: one query per request instead of one per figure, and every figure of a page
    from the same data.
    """
    pinned = _pinned_version.get()
    return pinned if pinned is not None else _data_version_read()


def _data_version_read() -> DataVersion:
    """The stamp of :func:`figure_data_version`, read from the database in one query."""
    applied = m.ImportBatch.Status.APPLIED.value
    undone = m.ImportBatch.Status.UNDONE.value
    batch = m.ImportBatch._meta.db_table
    sql = (
        f"SELECT (SELECT max(id) FROM {batch} WHERE status = %s),"  # noqa: S608 (constants)
        f" (SELECT max(id) FROM {batch}), (SELECT max(created_at) FROM {batch}),"
        f" (SELECT count(*) FROM {batch} WHERE status = %s),"
        f" (SELECT max(id) FROM {m.SettingChange._meta.db_table}),"
        f" (SELECT count(*) FROM {m.Setting._meta.db_table}),"
        f" (SELECT max(changed_at) FROM {m.Setting._meta.db_table}),"
        f" (SELECT max(id) FROM {LogEntry._meta.db_table}),"
        f" (SELECT max(id) FROM {m.RateChange._meta.db_table})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [applied, undone])
        return tuple(cursor.fetchone())


_pinned_version: ContextVar[DataVersion | None] = ContextVar("figure_data_version", default=None)


@contextmanager
def data_version_pinned() -> Iterator[DataVersion]:
    """Read the data version once and use it for every figure inside the block.

    For a request that only reads (the pages' GET): its figures, charts and tables all
    answer for one version of the data, and the stamp is read once, not once per figure.
    Never around a change of the data (an import, a setting), whose effect the stamp must
    see.
    """
    version = _data_version_read()
    token = _pinned_version.set(version)
    try:
        yield version
    finally:
        _pinned_version.reset(token)


class _Cache:
    """The process's figure cache: frames and tables of the current data version, bounded
    LRUs, emptied when the version moves on (an import, an undo, a setting change)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.load_lock = threading.Lock()  # one load of the frames at a time
        self.version: DataVersion | None = None
        self.frames: OrderedDict[Hashable, Frames] = OrderedDict()
        self.tables: OrderedDict[Hashable, pl.DataFrame] = OrderedDict()
        self.results: OrderedDict[Hashable, Any] = OrderedDict()

    def clear(self) -> None:
        with self.lock:
            self.version = None
            self.frames.clear()
            self.tables.clear()
            self.results.clear()

    def _at(self, version: DataVersion) -> None:
        """Drop everything of another version (called with the lock held). Entries are only
        ever served for the version they were computed at, so a reader that saw an older
        version during an import costs a recomputation, never a stale figure."""
        if self.version != version:
            self.version = version
            self.frames.clear()
            self.tables.clear()
            self.results.clear()

    def get(self, store: str, version: DataVersion, key: Hashable) -> Any:
        with self.lock:
            self._at(version)
            entries: OrderedDict[Hashable, Any] = getattr(self, store)
            if key in entries:
                entries.move_to_end(key)
                return entries[key]
        return None

    def put(self, store: str, version: DataVersion, key: Hashable, value: Any, size: int) -> None:
        with self.lock:
            if self.version != version:
                return  # the data moved on while this was computed: keep nothing
            entries: OrderedDict[Hashable, Any] = getattr(self, store)
            entries[key] = value
            entries.move_to_end(key)
            while len(entries) > size:
                entries.popitem(last=False)


_cache = _Cache()


def figure_cache_clear() -> None:
    """Empty this process's figure cache (tests; never needed for correctness)."""
    _cache.clear()


def _scope_key(units: set[str] | None, cases: set[str] | None) -> Hashable:
    return (
        None if units is None else frozenset(units),
        None if cases is None else frozenset(cases),
    )


def _frames_at(version: DataVersion, units: set[str] | None, cases: set[str] | None) -> Frames:
    key = _scope_key(units, cases)
    frames = _cache.get("frames", version, key)
    if frames is not None:
        return frames
    everything = _cache.get("frames", version, _scope_key(None, None))
    if everything is None:
        with _cache.load_lock:
            everything = _cache.get("frames", version, _scope_key(None, None))
            if everything is None:
                everything = reader.frames_load()
                # Kept only if nothing was imported, undone or changed during the load.
                if _data_version_read() == version:
                    _cache.put(
                        "frames", version, _scope_key(None, None), everything, 1 + FRAMES_CACHE_SIZE
                    )
    frames = everything.scoped(units=units, cases=cases)
    if frames is not everything:
        _cache.put("frames", version, key, frames, 1 + FRAMES_CACHE_SIZE)
    return frames


def frames_cached(*, units: set[str] | None = None, cases: set[str] | None = None) -> Frames:
    """``frames_load`` from this process's cache: loaded once per data version, scoped in
    memory. The frames remember what figures derive from them (``Frames.derived``)."""
    return _frames_at(figure_data_version(), units, cases)


def _request_key(request: Any) -> Hashable:
    """Everything a figure table depends on besides the data: D, the range, the settings."""
    settings = request.settings
    described = json.dumps(settings.describe(), sort_keys=True, default=str)
    extra: Hashable = tuple(getattr(settings, n, None) for n in ("rates", "rates_on"))
    try:
        hash(extra)
    except TypeError:
        extra = repr(extra)
    return (request.as_of, request.date_from, request.date_to, described, extra)


def figure_table(
    *,
    name: str,
    request: Any,
    units: set[str] | None = None,
    cases: set[str] | None = None,
) -> pl.DataFrame:
    """The figure table ``name`` for ``request`` (a ``FigureRequest``), limited to the given
    units and cases, cached in this process.

    Keyed by the data version (:func:`figure_data_version`), the table, the request (D, the
    range, every setting and rate) and the scope; a new import, an undo or a setting change
    moves the version, so nothing computed before it is served after it. The frames behind
    the tables are cached too (:func:`frames_cached`), so a page's tables share one load and
    their intermediates.
    """
    from timbalans.figures.registry import figure_function

    version = figure_data_version()
    key = (name, _request_key(request), _scope_key(units, cases))
    table = _cache.get("tables", version, key)
    if table is None:
        frames = _frames_at(version, units, cases)
        table = figure_function(name)(frames, request)
        if _data_version_read() == version:
            _cache.put("tables", version, key, table, TABLE_CACHE_SIZE)
    return table.clone()


def figure_result_cached(*, key: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, cached in this process under ``key`` for the current data version.

    For what is derived from figure tables only (a page's composition of them): the caller's
    key names everything the result depends on besides the data version, which moves with
    every import, undo and setting change exactly as for :func:`figure_table`. The result is
    handed out as it is, so it must not be changed by its callers (frozen dataclasses of
    polars frames, whose operations return new frames).
    """
    version = figure_data_version()
    value = _cache.get("results", version, key)
    if value is None:
        value = compute()
        if _data_version_read() == version:
            _cache.put("results", version, key, value, RESULT_CACHE_SIZE)
    return value


# ------------------------------------------------------------------ precomputed tables
#: The tables too slow for a page request (the staffing backtest takes a minute on a
#: department): computed once per data version and D in the background, kept on disk in the
#: data directory so every process and a restarted server find them.
PRECOMPUTED = ("staffing-backtest",)
PRECOMPUTED_KEPT = 8  # files kept per table (the newest)
_computing: set[str] = set()
_computing_lock = threading.Lock()
log = logging.getLogger(__name__)


def _precomputed_path(name: str, version: DataVersion, request: Any) -> Path:
    digest = hashlib.sha256(repr((version, _request_key(request))).encode()).hexdigest()[:32]
    return Path(settings.DATA_DIR) / "figures" / f"{name}-{digest}.parquet"


def _precompute(name: str, request: Any, version: DataVersion, path: Path) -> None:
    """Compute the whole table and write it beside the data, replaced whole; nothing when the
    data moved on meanwhile (the next reader starts it again for the new version)."""
    try:
        if _data_version_read() != version:
            return
        table = figure_table(name=name, request=request)
        if _data_version_read() != version:
            return
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        part = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.part")
        table.write_parquet(part)
        os.replace(part, path)
        older = sorted(
            path.parent.glob(f"{name}-*.parquet"), key=lambda p: p.stat().st_mtime, reverse=True
        )
        for stale in older[PRECOMPUTED_KEPT:]:
            stale.unlink(missing_ok=True)
    except Exception:  # a failed computation is logged; the page keeps saying "beräknas"
        log.exception("precomputing %s", name)
    finally:
        with _computing_lock:
            _computing.discard(str(path))


def precompute_mode() -> str:
    """``background``, ``inline`` or ``off`` (the setting ``TIMBALANS_PRECOMPUTE``)."""
    return str(getattr(settings, "TIMBALANS_PRECOMPUTE", "background"))


def _in_background(fn: Callable[[], None]) -> None:
    """``fn`` in a thread of this process (``TIMBALANS_PRECOMPUTE`` = ``background``) or at
    once (``inline``: the tests, whose sets are small)."""
    if precompute_mode() == "inline":
        fn()
        return

    def run() -> None:
        close_old_connections()
        try:
            fn()
        finally:
            connection.close()

    threading.Thread(target=run, name="timbalans-precompute", daemon=True).start()


def figure_table_ready(*, name: str, request: Any) -> pl.DataFrame | None:
    """The whole table ``name`` (every unit) for ``request`` if it has been computed for the
    current data version, else None, and its computation started in the background (once per
    process and version). Served from memory, else from the file the computation wrote."""
    version = figure_data_version()
    key = (name, _request_key(request), _scope_key(None, None))
    table = _cache.get("tables", version, key)
    if table is not None:
        return table.clone()
    path = _precomputed_path(name, version, request)
    if path.exists():
        table = pl.read_parquet(path)
        _cache.put("tables", version, key, table, TABLE_CACHE_SIZE)
        return table.clone()
    if precompute_mode() == "off":
        return None
    with _computing_lock:
        started = str(path) in _computing
        _computing.add(str(path))
    if not started:
        _in_background(lambda: _precompute(name, request, version, path))
        if path.exists():  # computed inline
            return pl.read_parquet(path)
    return None
