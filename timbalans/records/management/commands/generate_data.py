"""timbalans generate-data OUT --scale S --seed N [--until D] [--exchange]: a demo data set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from timbalans.command import Command as TimbalansCommand
from timbalans.command import iso_date
from timbalans.generator import generate
from timbalans.generator.exchange import write_exchange


class Command(TimbalansCommand):
    help = "Skapa ett påhittat men realistiskt dataset i det kanoniska formatet."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="mappen att skriva till")
        parser.add_argument(
            "--scale",
            choices=["department", "municipality", "national"],
            default="department",
            help="storlek: en avdelning, en kommun eller hela landet (standard department)",
        )
        parser.add_argument("--seed", type=int, default=1, help="slumpfrö (standard 1)")
        parser.add_argument(
            "--until",
            type=iso_date,
            default=None,
            help="data till och med ÅÅÅÅ-MM-DD (standard: i dag)",
        )
        parser.add_argument(
            "--format",
            choices=["csv", "parquet"],
            default=None,
            help="filformat (standard: csv, parquet i nationell skala)",
        )
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
