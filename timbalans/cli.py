"""The ``timbalans`` entry point: Django management commands with hyphenated names.

``timbalans undo-import 3`` runs the management command ``undo_import``. ``timbalans`` and
``timbalans --help`` list Timbalans's own commands, one line each; Django's internal commands
still run (``timbalans migrate``) but are not listed. Every command prepares the database on
first use: the embedded SQLite file is created and migrated, so ``timbalans import`` on a fresh
data directory works. Bad arguments are answered in Swedish (``Command``, ``iso_date``).
"""

from __future__ import annotations

import gc
import os
import sys

# Timbalans's own commands, in the order a new user meets them.
OWN_COMMANDS = (
    "demo",
    "serve",
    "create-user",
    "generate-data",
    "import",
    "undo-import",
    "batches",
    "figures",
    "report",
    "staffing",
    "backup",
    "restore",
)
# Commands that must not touch the database before they run.
# (restore writes into an empty database: a migrated one would refuse it)
NO_DATABASE = {
    "makemigrations",
    "help",
    "version",
    "check",
    "compilemessages",
    "shell",
    "restore",
}

USAGE_HEADER = "Användning: timbalans KOMMANDO [flaggor]"
USAGE_FOOTER = (
    "Hjälp för ett kommando: timbalans KOMMANDO --help. "
    "Djangos interna kommandon (t.ex. migrate) går att köra men listas inte här."
)
UNKNOWN_COMMAND = "Okänt kommando: {name}. Kommandona listas med timbalans --help."


def django_setup() -> None:
    """Django with every app, as a command's process starts.

    What is imported and made by then lives as long as the process: it is frozen
    (``gc.freeze``), so Python's garbage collector no longer walks its 80,000 objects at
    each full collection, nor in its collections at exit (0.15-0.2 s of CPU of every
    command's process; docs/operations.md, "Import performance", session 11)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
    import django

    django.setup()
    gc.freeze()


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    django_setup()
    if len(args) < 2 or (args[1] in ("-h", "--help", "help") and len(args) == 2):
        sys.stdout.write(command_overview())
        return
    if not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line, get_commands

    if not args[1].startswith("-") and args[1] not in get_commands():
        sys.stderr.write(UNKNOWN_COMMAND.format(name=args[1].replace("_", "-")) + "\n")
        raise SystemExit(2)
    if args[1] not in NO_DATABASE:
        database_prepare()
    args[0] = "timbalans"
    execute_from_command_line(args)


def command_overview() -> str:
    """The list of Timbalans's own commands with their one-line help."""
    from django.core.management import get_commands, load_command_class

    apps = get_commands()
    width = max(len(name) for name in OWN_COMMANDS)
    lines = [USAGE_HEADER, "", "Kommandon:"]
    for name in OWN_COMMANDS:
        command = load_command_class(apps[name.replace("-", "_")], name.replace("-", "_"))
        lines.append(f"  {name.ljust(width)}  {command.help}")
    lines += ["", USAGE_FOOTER, ""]
    return "\n".join(lines)


def database_prepare() -> None:
    """Apply the migrations that are not yet applied (a fresh SQLite file is created by
    connecting to it). Quiet, and cheap when there is nothing to do."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)


if __name__ == "__main__":
    main()
