"""The figure cache: frames, figure tables and results derived from them, kept per data
version (:func:`figure_data_version`) so nothing computed before an import, an undo or a
setting change is served after it.

Two levels. Each process keeps what it used in memory (bounded LRUs). Below that, the frames
and the figure tables of whole units (no case limit) are kept as typed Parquet files in the
data directory, one folder per data version, shared by every server process and by the
command line: frames loaded from the database once, and a table computed once, by any
process (or by ``figure_access.figures_warm`` right after an import), are read by the
others instead of loaded or computed again. A file (the frames: a folder) is written under a
temporary name and renamed, so a reader sees all of it or nothing; the folders of other data
versions are removed when a new version's folder is made.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
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
from timbalans.ingest.schema import TABLE_ORDER
from timbalans.records import frames as reader
from timbalans.records import models as m

FRAMES_CACHE_SIZE = 16  # scoped frames (per unit/case selection) kept besides the full set
TABLE_CACHE_SIZE = 256  # computed figure tables kept
RESULT_CACHE_SIZE = 256  # results derived from figure tables (the pages' compositions) kept

FILES_DIR = "figure-cache"  # in the data directory: one folder per data version
FRAMES_DIR = "frames"  # in a version's folder: the frames, one Parquet file per table

DataVersion = tuple[Any, ...]

log = logging.getLogger(__name__)


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


def figure_cache_clear(*, files: bool = True) -> None:
    """Empty this process's figure cache and its counts, and the files unless ``files`` is
    False (tests, whose databases reuse stamps a real one never does; never needed for
    correctness)."""
    _cache.clear()
    if files:
        shutil.rmtree(files_root(), ignore_errors=True)
    with _counts_lock:
        _counts.clear()


# How this process got its figure tables (from memory, from the files, or computed) and its
# frames. For the tests and the benchmarks (a second process that reads a file computes
# nothing).
_counts: dict[str, int] = {}
_counts_lock = threading.Lock()


def _count(how: str) -> None:
    with _counts_lock:
        _counts[how] = _counts.get(how, 0) + 1


def figure_cache_counts() -> dict[str, int]:
    """How this process got its figure tables, ``"memory"``, ``"file"`` or ``"computed"``,
    and its full frames, ``"frames-file"`` or ``"frames-database"``: how many times each."""
    with _counts_lock:
        return dict(_counts)


# ---------------------------------------------------------------------------- the files


def files_root() -> Path:
    """The folder of the figure cache's files in the data directory."""
    return Path(settings.DATA_DIR) / FILES_DIR


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _version_dir(version: DataVersion) -> Path:
    """The folder of one data version. The database is named in it too: two databases that
    share a data directory (SQLite, then PostgreSQL) never share a folder."""
    db = connection.settings_dict
    where = [connection.vendor, db.get("NAME"), db.get("HOST"), db.get("PORT")]
    return files_root() / _digest([where, list(version)])


def _table_path(version: DataVersion, name: str, request: Any, units: set[str] | None) -> Path:
    """The file of a figure table: its name, D and a digest of everything else it depends on
    (the range, every setting and rate, the units), in a form every process spells alike
    (sorted units; the rates by their repr, which has no sets in it)."""
    settings_ = request.settings
    described = {
        "settings": settings_.describe(),
        "rates": repr(getattr(settings_, "rates", None)),
        "rates_on": getattr(settings_, "rates_on", None),
    }
    key = [name, request.as_of, request.date_from, request.date_to, described]
    key.append(None if units is None else sorted(units))
    return _version_dir(version) / f"{name}-{request.as_of}-{_digest(key)}.parquet"


def _file_read(path: Path) -> pl.DataFrame | None:
    """The table in ``path``, or None when there is none (or it was removed meanwhile)."""
    try:
        return pl.read_parquet(path)
    except FileNotFoundError:
        return None
    except Exception:  # a damaged file is a miss: computed again and written anew
        log.warning("figure cache: unreadable %s", path, exc_info=True)
        return None


def _folder_make(folder: Path) -> None:
    """Make a data version's folder (removing the folders of every other version)."""
    if not folder.is_dir():
        _files_clean(keep=folder)
        # Figures and frames are personal data: readable by the server's user only.
        folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        folder.mkdir(exist_ok=True, mode=0o700)


def _part(path: Path) -> Path:
    """A temporary name beside ``path``, this thread's own."""
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.part")


def _file_write(path: Path, table: pl.DataFrame) -> None:
    """Write to a temporary name and rename: readers (of any process) see all or nothing."""
    part = _part(path)
    try:
        _folder_make(path.parent)
        table.write_parquet(part, statistics=False)
        part.chmod(0o600)
        os.replace(part, path)
    except Exception:  # a table not written is computed again where it is needed
        log.warning("figure cache: could not write %s", path, exc_info=True)
        part.unlink(missing_ok=True)


def text_file_cached(*, kind: str, key: Any, compute: Callable[[], str]) -> str:
    """``compute()``, a text (a chart's SVG) kept in the current data version's folder under
    ``kind`` and a digest of ``key``, which must name everything the text depends on in a
    form every process spells alike (no sets). Read by every process; written whole."""
    version = figure_data_version()
    path = _version_dir(version) / kind / f"{_digest(key)}.txt"
    try:
        text = path.read_text(encoding="utf-8")
        _count(f"{kind}-file")
        return text
    except FileNotFoundError:
        pass
    text = compute()
    _count(f"{kind}-computed")
    part = _part(path)
    try:
        _folder_make(path.parent.parent)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        part.write_text(text, encoding="utf-8")
        part.chmod(0o600)
        os.replace(part, path)
    except OSError:
        log.warning("figure cache: could not write %s", path, exc_info=True)
        part.unlink(missing_ok=True)
    return text


def _frames_file_read(version: DataVersion) -> Frames | None:
    """The frames of ``version`` from the files, or None when there are none."""
    folder = _version_dir(version) / FRAMES_DIR
    try:
        tables = {name: pl.read_parquet(folder / f"{name}.parquet") for name in TABLE_ORDER}
    except FileNotFoundError:
        return None
    except Exception:
        log.warning("figure cache: unreadable frames in %s", folder, exc_info=True)
        return None
    return Frames.from_dict(tables)


def _frames_file_write(version: DataVersion, frames: Frames) -> None:
    """The frames as one Parquet file per table, in a folder written under a temporary name
    and renamed whole (the first process to finish wins; the others' copies are dropped)."""
    folder = _version_dir(version) / FRAMES_DIR
    if folder.is_dir():
        return
    part = _part(folder)
    try:
        _folder_make(folder.parent)
        part.mkdir(mode=0o700)
        for name, frame in frames.as_dict().items():
            frame.write_parquet(part / f"{name}.parquet", statistics=False)
            (part / f"{name}.parquet").chmod(0o600)
        part.rename(folder)
    except Exception:  # another process was first, or the disk is full: read from the database
        if not folder.is_dir():
            log.warning("figure cache: could not write the frames %s", folder, exc_info=True)
        shutil.rmtree(part, ignore_errors=True)


def _files_clean(*, keep: Path | None) -> None:
    """Remove the folders of data versions other than ``keep``."""
    root = files_root()
    if not root.is_dir():
        return
    for folder in root.iterdir():
        if folder != keep:
            shutil.rmtree(folder, ignore_errors=True)


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
                everything = _frames_file_read(version)
                if everything is not None:
                    _count("frames-file")
                else:
                    everything = reader.frames_load()
                    _count("frames-database")
                # Kept only if nothing was imported, undone or changed during the load.
                if _data_version_read() == version:
                    _frames_file_write(version, everything)
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
    compute: Callable[[Frames, Any], pl.DataFrame] | None = None,
) -> pl.DataFrame:
    """The figure table ``name`` for ``request`` (a ``FigureRequest``), limited to the given
    units and cases, cached in this process and, without a case limit, in the files.
    ``compute(frames, request)`` makes it (default: the registered figure ``name``); a table
    that is not a registered figure names what it is and gets its own function.

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
    if table is not None:
        _count("memory")
        return table.clone()
    # Tables of a case are cheap once the frames are in memory, which the case page needs
    # anyway; the files hold the tables of whole units.
    path = None if cases is not None else _table_path(version, name, request, units)
    table = None if path is None else _file_read(path)
    if table is not None:
        _count("file")
        _cache.put("tables", version, key, table, TABLE_CACHE_SIZE)
        return table.clone()
    frames = _frames_at(version, units, cases)
    table = (compute or figure_function(name))(frames, request)
    _count("computed")
    # Kept only if nothing was imported, undone or changed while it was computed.
    if _data_version_read() == version:
        if path is not None:
            _file_write(path, table)
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
#: department): computed once per data version and D in the background, kept in the figure
#: cache's files like every whole table, so every process and a restarted server find them.
PRECOMPUTED = ("staffing-backtest",)
_computing: set[str] = set()
_computing_lock = threading.Lock()
log = logging.getLogger(__name__)


def _precomputed_path(name: str, version: DataVersion, request: Any) -> Path:
    """The file ``figure_table`` writes for the whole table (every unit)."""
    return _table_path(version, name, request, None)


def _precompute(name: str, request: Any, version: DataVersion, path: Path) -> None:
    """Compute the whole table, which ``figure_table`` writes to the figure cache's files;
    nothing when the data moved on meanwhile (the next reader starts it again for the new
    version)."""
    try:
        if _data_version_read() == version:
            figure_table(name=name, request=request)
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
    table = _file_read(path)
    if table is not None:
        _cache.put("tables", version, key, table, TABLE_CACHE_SIZE)
        return table.clone()
    if precompute_mode() == "off":
        return None
    with _computing_lock:
        started = str(path) in _computing
        _computing.add(str(path))
    if not started:
        _in_background(lambda: _precompute(name, request, version, path))
        table = _file_read(path)  # computed inline
        if table is not None:
            return table
    return None
