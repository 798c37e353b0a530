"""Run by test_backup in a process of its own, on the database the environment names: every
figure table of spec/figures.md as of one date, and the logins, as one JSON document."""

from __future__ import annotations

import io
import json
import os
import sys

import django


def main(as_of: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "timbalans.config.settings")
    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from timbalans.figures.registry import FIGURE_NAMES

    figures = {}
    for name in FIGURE_NAMES:
        out = io.StringIO()
        call_command(
            "figures", name, "--as-of", as_of, "--format", "json", stdout=out, stderr=io.StringIO()
        )
        figures[name] = json.loads(out.getvalue())
    users = sorted(get_user_model().objects.values_list("username", "password"))
    print(json.dumps({"figures": figures, "users": users}))


if __name__ == "__main__":
    main(sys.argv[1])
