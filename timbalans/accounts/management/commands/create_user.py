"""``timbalans create-user NAME --role ROLE [--unit ID ...] [--password P]``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import IntegrityError

from timbalans.accounts.access import ROLE_LABELS
from timbalans.accounts.services import user_create
from timbalans.command import Command as TimbalansCommand
from timbalans.records.models import Unit

NO_SUCH_UNIT = "Enheten {units} finns inte. Importera enheterna först; kända enheter: {known}."
NO_SUCH_UNITS = "Enheterna {units} finns inte. Importera enheterna först; kända enheter: {known}."


class Command(TimbalansCommand):
    help = "Skapa en användare med roll och enheter."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="användarnamnet")
        parser.add_argument(
            "--role", required=True, choices=list(ROLE_LABELS), help="rollen (behörighet)"
        )
        parser.add_argument(
            "--unit",
            action="append",
            default=[],
            dest="units",
            help="enhet som en enhetschef leder (kan upprepas)",
        )
        parser.add_argument(
            "--password", default=None, help="lösenordet (utan: ett slumpat skrivs ut)"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        known = set(Unit.objects.values_list("unit_id", flat=True))
        missing = sorted(set(opts["units"]) - known)
        if missing:
            message = NO_SUCH_UNIT if len(missing) == 1 else NO_SUCH_UNITS
            raise CommandError(
                message.format(units=", ".join(missing), known=", ".join(sorted(known)) or "inga")
            )
        try:
            user, password = user_create(
                username=opts["username"],
                role=opts["role"],
                unit_ids=opts["units"],
                password=opts["password"],
                by="kommandorad",
            )
        except (ValueError, IntegrityError) as e:
            raise CommandError(
                str(e) if isinstance(e, ValueError) else "Användaren finns redan."
            ) from e
        units = ", ".join(opts["units"]) or "alla"
        self.stdout.write(
            f"Skapade {user.get_username()} ({ROLE_LABELS[opts['role']]}, enheter: {units})."
        )
        if not opts["password"]:
            self.stdout.write(f"Lösenord: {password}")
