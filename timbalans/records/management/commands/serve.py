"""timbalans serve: the web app on http://127.0.0.1:8000 with a production WSGI server (static
files from the app itself through WhiteNoise, no CDN).

On Linux and macOS it is Gunicorn with several worker processes (``--workers``, each with
``--threads`` threads): the figures are computed by polars in the processes, and a page that
renders holds its process's interpreter, so more processes answer more users at once. The
processes share the database and the figure cache's files in the data directory. Gunicorn
does not run on Windows: there it is Waitress, one process with ``--threads`` threads
(docs/operations.md)."""

from __future__ import annotations

import errno
import os
import socket
import sys
from collections.abc import Callable
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand

PORT_BUSY = (
    "Porten {port} på {host} används redan av ett annat program (kanske en Timbalans som "
    "redan körs). Stäng det eller välj en annan adress med --addr, t.ex. --addr {host}:{next}."
)
BAD_ADDR = "ogiltig adress {addr!r}: ange VÄRD:PORT, t.ex. 127.0.0.1:8000"
BAD_COUNT = "{option} måste vara minst 1"
SERVING = "Webbappen: http://{where}/ (avsluta med Ctrl-C)"
SERVING_WITH = "{server}: {workers} processer med {threads} trådar vardera"
SERVING_WAITRESS = "Waitress: en process med {threads} trådar"
WORKER_READY = "Serverprocess {pid} redo"

WAITRESS_THREADS = 8  # Waitress: one process, its threads
GUNICORN_THREADS = 4  # Gunicorn: threads per worker process
# A request that computes national-scale figures can take minutes; a worker is only restarted
# when its main loop stops answering (gthread workers answer while a request runs).
GUNICORN_TIMEOUT = 300


def address_parse(addr: str) -> tuple[str, int]:
    """(host, port) of HOST:PORT; a Swedish CommandError otherwise."""
    host, _, port = addr.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(BAD_ADDR.format(addr=addr))
    return host.strip("[]") or "127.0.0.1", int(port)


def port_check(host: str, port: int) -> None:
    """A Swedish CommandError when another program already listens on host:port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # as the servers bind: a port left in TIME_WAIT is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(PORT_BUSY.format(host=host, port=port, next=port + 1)) from None
            raise


def default_workers() -> int:
    """Two worker processes per core (the cores this process may use)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS has no affinity
        cores = os.cpu_count() or 1
    return 2 * max(1, cores)


def server_kind(platform: str = sys.platform) -> str:
    """``"waitress"`` on Windows (Gunicorn needs fork), ``"gunicorn"`` elsewhere."""
    return "waitress" if platform == "win32" else "gunicorn"


def _where(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Command(TimbalansCommand):
    help = "Starta webbappen (Gunicorn med flera processer; Waitress på Windows)."
    requires_system_checks = "__all__"  # Django's checks before the server starts

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="adress och port (standard 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="serverprocesser (standard 2 per kärna; Windows: alltid 1)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help=(
                f"trådar per process (standard {GUNICORN_THREADS}; "
                f"Windows: {WAITRESS_THREADS} i den enda processen)"
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from timbalans.config.wsgi import application

        host, port = address_parse(options["addr"])
        for option in ("workers", "threads"):
            if options[option] is not None and options[option] < 1:
                raise CommandError(BAD_COUNT.format(option=f"--{option}"))
        port_check(host, port)
        call_command("migrate", verbosity=0)
        where = _where(host, port)
        if server_kind() == "waitress":
            from waitress import create_server

            threads = options["threads"] or WAITRESS_THREADS
            server = create_server(application, host=host, port=port, threads=threads)
            self.stdout.write(SERVING_WAITRESS.format(threads=threads))
            self.stdout.write(SERVING.format(where=where))
            # The one process is its own worker: prepared as Gunicorn's are, before it
            # answers (requests wait in the socket's queue meanwhile).
            worker_prepare()
            self.stdout.write(WORKER_READY.format(pid=os.getpid()))
            self.stdout.flush()
            server.run()
            return
        workers = options["workers"] or default_workers()
        threads = options["threads"] or GUNICORN_THREADS
        self.stdout.write(SERVING_WITH.format(server="Gunicorn", workers=workers, threads=threads))
        self.stdout.write(SERVING.format(where=where))
        self.stdout.flush()
        gunicorn_run(application, bind=where, workers=workers, threads=threads)


def worker_prepare() -> None:
    """What a server process's first request would otherwise pay, seconds of it: every view
    module imported (the URLconf, which brings in OR-Tools) and every figure's module (the
    registry imports them when first asked: 0.04 s for the overview's six), the database
    reader's drivers
    imported (``frames_prepare``: PostgreSQL's ADBC and pyarrow) and the chart renderer
    started (vl-convert's first chart). Done in each worker before it takes requests, not in
    the arbiter before the fork: polars's and vl-convert's threads do not survive a fork."""
    import polars as pl
    from django.urls import get_resolver

    from timbalans.figures import charts
    from timbalans.figures.registry import FIGURE_NAMES, figure_function
    from timbalans.records.frames import frames_prepare

    get_resolver().url_patterns  # noqa: B018 (imports the views)
    for name in FIGURE_NAMES:
        figure_function(name)
    frames_prepare()
    frame = pl.DataFrame({"enhet": ["a"], "värde": [1.0]})
    charts.svg_of(charts.bars, frame, x="enhet", y="värde", title="", y_title="")


def gunicorn_run(application: Callable[..., Any], *, bind: str, workers: int, threads: int) -> None:
    """Run ``application`` under Gunicorn in this process (its arbiter; the workers are
    forked from it) until it is stopped (Ctrl-C, SIGTERM)."""
    from django.db import connections
    from gunicorn.app.base import BaseApplication

    # The workers are forked from this process: none may inherit its database connections
    # (the migration check above opened one).
    connections.close_all()

    options = {
        "bind": bind,
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread",
        "timeout": GUNICORN_TIMEOUT,
        "graceful_timeout": 30,
        "loglevel": "warning",
        "errorlog": "-",
        "accesslog": None,
        "proc_name": "timbalans",
    }

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> Callable[..., Any]:  # in each worker, before it takes requests
            worker_prepare()
            sys.stdout.write(WORKER_READY.format(pid=os.getpid()) + "\n")
            sys.stdout.flush()
            return application

    Server().run()
