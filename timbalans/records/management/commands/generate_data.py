"""timbalans generate-data OUT --scale S --seed N [--until D] [--exchange]: a demo data set."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from timbalans.generator import generate
from timbalans.generator.exchange import write_exchange


class Command(BaseCommand):
    help = "Skapa ett påhittat men realistiskt dataset i det kanoniska formatet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument(
            "--scale", choices=["department", "municipality", "national"], default="department"
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--until", type=date.fromisoformat, default=None)
        parser.add_argument("--format", choices=["csv", "parquet"], default=None)
        parser.add_argument(
            "--exchange",
            action="store_true",
            help="tid och frånvaro som PAXml, bokföringen som SIE 4 (resten kanoniskt)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rows = generate(
            options["out"],
            scale=options["scale"],
            seed=options["seed"],
            until=options["until"],
            fmt=options["format"],
            progress=options["verbosity"] > 0,
        )
        if options["exchange"]:
            for name, n in write_exchange(options["out"]).items():
                self.stdout.write(f"{name}: {n}")
        for table, n in rows.items():
            self.stdout.write(f"{table}: {n}")
        self.stdout.write(f"Skrev {sum(rows.values())} rader till {options['out']}")
