"""timbalans demo: generate the demo department, import it for real, print a login, serve."""

from __future__ import annotations

import os
import secrets
import sys
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser
from django.db import connections

from timbalans.accounts.services import user_access_set
from timbalans.command import Command as TimbalansCommand
from timbalans.command import iso_date
from timbalans.generator import generate
from timbalans.plans.demo import demo_plan_ensure
from timbalans.records.figure_access import figures_warm
from timbalans.records.management.commands.serve import (
    BAD_COUNT,
    address_parse,
    port_check,
    server_kind,
)
from timbalans.records.selectors import import_batch_list
from timbalans.records.services import import_batch_apply, import_dataset_validate

DEMO_USER = "demo"
# One demo login per role, all with the same printed password; the unit manager leads the
# seed's unit 81515.
DEMO_ROLES = {
    "demo": ("admin", []),
    "ledning": ("management", []),
    "controller": ("controller", []),
    "enhetschef": ("unit_manager", ["81515"]),
    "samordnare": ("coordinator", []),
}


class Command(TimbalansCommand):
    help = "Skapa demoavdelningen, importera den och starta webbappen."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="slumpfrö (standard 1)")
        parser.add_argument(
            "--until",
            type=iso_date,
            default=None,
            help="data till och med ÅÅÅÅ-MM-DD (standard: i dag)",
        )
        parser.add_argument(
            "--no-serve", action="store_true", help="importera och skapa inloggningar, starta inte"
        )
        parser.add_argument(
            "--addr", default="127.0.0.1:8000", help="adress och port (standard 127.0.0.1:8000)"
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="serverprocesser, som för timbalans serve (standard 2 per kärna)",
        )
        parser.add_argument(
            "--password",
            default=None,
            help="ett fast lösenord för demoinloggningarna (standard: ett nytt slumpat)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["no_serve"]:
            # a bad address, a busy port or a bad count is refused before the import
            port_check(*address_parse(options["addr"]))
            if options["workers"] is not None and options["workers"] < 1:
                raise CommandError(BAD_COUNT.format(option="--workers"))
        call_command("migrate", verbosity=0)
        until = options["until"] or date.today()  # noqa: DTZ011 - the demo runs to today
        out = settings.DATA_DIR / f"demo-{until.isoformat()}-seed{options['seed']}"
        if not (out / "units.csv").exists():
            self.stdout.write(f"Skapar demoavdelningen i {out} ...")
            generate(out, scale="department", seed=options["seed"], until=until)
        applied = [b for b in import_batch_list() if b.status == "applied"]
        if any(b.source == str(out) for b in applied):
            self.stdout.write("Demodata är redan importerad.")
        else:
            dataset = import_dataset_validate(source=out)
            if not dataset.ok:
                for problem in dataset.problems[:50]:
                    self.stderr.write(str(problem))
                raise SystemExit(1)
            batch = import_batch_apply(dataset=dataset, source=str(out))
            self.stdout.write(f"Import {batch.pk}: {dataset.rows} rader.")
        password = options["password"] or secrets.token_urlsafe(9)
        for name, (role, units) in DEMO_ROLES.items():
            user, _ = get_user_model().objects.get_or_create(username=name)
            user.set_password(password)
            user.save()
            user_access_set(user=user, role=role, unit_ids=units, by="demo")
        plan = demo_plan_ensure(user=get_user_model().objects.get(username=DEMO_USER), until=until)
        if plan is not None:
            self.stdout.write(
                f"Handlingsplan: {plan.title} (enhet {plan.unit_id}), uppföljd per månad."
            )
        figures_warm()  # the first page is not cold, in any server process
        self.stdout.write("")
        self.stdout.write(f"Inloggning: användare {DEMO_USER} (administratör), lösenord {password}")
        others = ", ".join(n for n in DEMO_ROLES if n != DEMO_USER)
        self.stdout.write(f"Samma lösenord för rollerna: {others}")
        if options["no_serve"]:
            self.stdout.write(f"Webbappen: http://{options['addr']}/")
        else:  # serve says where, once
            self.serve(options["addr"], workers=options["workers"])

    def serve(self, addr: str, *, workers: int | None = None) -> None:
        """``timbalans serve`` in a fresh process in place of this one. Gunicorn forks its
        workers from the process it runs in, and this one has computed figures: polars's
        thread pool does not survive a fork, so workers forked from here hang on their first
        figure. Waitress (Windows) does not fork and serves from this process (``workers``
        is then ignored, as ``serve`` ignores it there)."""
        if server_kind() == "waitress":
            call_command("serve", addr=addr)
            return
        self.stdout.flush()
        connections.close_all()
        serve = [sys.executable, "-m", "timbalans", "serve", "--addr", addr]
        if workers is not None:
            serve += ["--workers", str(workers)]
        os.execv(sys.executable, serve)  # noqa: S606 - our own command, no shell
