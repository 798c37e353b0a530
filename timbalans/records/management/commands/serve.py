"""timbalans serve: the web app on http://127.0.0.1:8000 (Django's server, for local use)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Starta webbappen lokalt."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", verbosity=0)
        # --insecure serves the app's own static files: no CDN, nothing from outside.
        call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
