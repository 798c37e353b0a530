"""timbalans serve: the web app on http://127.0.0.1:8000 with Waitress (a production WSGI
server; static files from the app itself through WhiteNoise, no CDN)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Starta webbappen (Waitress)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args: Any, **options: Any) -> None:
        from waitress import serve

        from timbalans.config.wsgi import application

        call_command("migrate", verbosity=0)
        host, _, port = options["addr"].rpartition(":")
        self.stdout.write(f"Webbappen: http://{options['addr']}/ (avsluta med Ctrl-C)")
        serve(application, host=host or "127.0.0.1", port=int(port), threads=options["threads"])
