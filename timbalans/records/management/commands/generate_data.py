"""timbalans generate-data OUT --scale S --seed N [--until D]: write a demo data set."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from timbalans.generator import generate


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

    def handle(self, *args: Any, **options: Any) -> None:
        rows = generate(
            options["out"],
            scale=options["scale"],
            seed=options["seed"],
            until=options["until"],
            fmt=options["format"],
            progress=options["verbosity"] > 0,
        )
        for table, n in rows.items():
            self.stdout.write(f"{table}: {n}")
        self.stdout.write(f"Skrev {sum(rows.values())} rader till {options['out']}")
