"""timbalans serve: the web app on http://127.0.0.1:8000 with Waitress (a production WSGI
server; static files from the app itself through WhiteNoise, no CDN)."""

from __future__ import annotations

import errno
import socket
from typing import Any

from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from timbalans.command import Command as TimbalansCommand

PORT_BUSY = (
    "Porten {port} på {host} används redan av ett annat program (kanske en Timbalans som "
    "redan körs). Stäng det eller välj en annan adress med --addr, t.ex. --addr {host}:{next}."
)
BAD_ADDR = "ogiltig adress {addr!r}: ange VÄRD:PORT, t.ex. 127.0.0.1:8000"


def address_parse(addr: str) -> tuple[str, int]:
    """(host, port) of HOST:PORT; a Swedish CommandError otherwise."""
    host, _, port = addr.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise CommandError(BAD_ADDR.format(addr=addr))
    return host or "127.0.0.1", int(port)


def port_check(host: str, port: int) -> None:
    """A Swedish CommandError when another program already listens on host:port."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        # as Waitress binds: a port left in TIME_WAIT is free, one with a listener is not
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise CommandError(PORT_BUSY.format(host=host, port=port, next=port + 1)) from None
            raise


class Command(TimbalansCommand):
    help = "Starta webbappen (Waitress)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="adress och port (standard 127.0.0.1:8000)"
        )
        parser.add_argument("--threads", type=int, default=8, help="trådar (standard 8)")

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import create_server

        from timbalans.config.wsgi import application

        host, port = address_parse(options["addr"])
        port_check(host, port)
        call_command("migrate", verbosity=0)
        server = create_server(application, host=host, port=port, threads=options["threads"])
        self.stdout.write(f"Webbappen: http://{host}:{port}/ (avsluta med Ctrl-C)")
        server.run()
