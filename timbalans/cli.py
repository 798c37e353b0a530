"""The ``timbalans`` entry point: Django management commands with hyphenated names.

``timbalans undo-import 3`` runs the management command ``undo_import``.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    args[0] = "timbalans"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
