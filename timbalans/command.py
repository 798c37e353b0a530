"""What every Timbalans command shares: Swedish argument errors and help, dates as YYYY-MM-DD.

Each management command subclasses ``Command`` instead of Django's ``BaseCommand`` and uses
``iso_date`` for its date options, so ``timbalans figures hour-balance --as-of 2026-13-01``
answers in Swedish instead of with argparse's English or a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from typing import Any, Literal, NoReturn

from django.core.management.base import BaseCommand, CommandError

BAD_DATE = "ogiltigt datum {value!r}: ange ÅÅÅÅ-MM-DD, t.ex. 2026-03-31"
BAD_INT = "ogiltigt heltal {value!r}"
BAD_NUMBER = "ogiltigt tal {value!r}"

# argparse's own messages (Python 3.11–3.13), turned into Swedish; anything else is kept.
_ARGPARSE_SV = (
    (r"^the following arguments are required: (.*)$", r"dessa argument saknas: \1"),
    (r"^unrecognized arguments: (.*)$", r"okända argument: \1"),
    (
        r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$",
        r"\1: ogiltigt val \2 (välj bland \3)",
    ),
    (r"^argument (.*?): expected one argument$", r"\1: ett värde saknas"),
    (r"^argument (.*?): expected at least one argument$", r"\1: minst ett värde saknas"),
    (r"^argument (.*?): invalid (\w+) value: (.*)$", r"\1: ogiltigt värde \3"),
    (r"^argument (.*?): not allowed with argument (.*)$", r"\1: går inte ihop med \2"),
    (r"^one of the arguments (.*) is required$", r"ett av argumenten \1 krävs"),
    (r"^argument (.*?): (.*)$", r"\1: \2"),
)


def argparse_message_sv(message: str) -> str:
    """argparse's English error message in Swedish (unknown messages are kept as they are)."""
    for pattern, replacement in _ARGPARSE_SV:
        if re.match(pattern, message):
            return re.sub(pattern, replacement, message)
    return message


def iso_date(value: str) -> date:
    """An argparse type: a date written YYYY-MM-DD, with a Swedish message otherwise."""
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(BAD_DATE.format(value=value)) from None


class _SwedishHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(
            usage, actions, groups, prefix="användning: " if prefix is None else prefix
        )


def _swedish_parser(parser: argparse.ArgumentParser) -> None:
    """Swedish errors and headings for a command's parser and its sub-parsers."""

    def error(message: str) -> NoReturn:
        swedish = argparse_message_sv(message)
        if not getattr(parser, "called_from_command_line", True):
            raise CommandError(f"fel: {swedish}")  # call_command: an exception, as Django does
        parser.print_usage(sys.stderr)
        parser.exit(2, f"fel: {swedish}\n")

    parser.error = error  # type: ignore[method-assign]
    parser.formatter_class = _SwedishHelpFormatter
    for group in parser._action_groups:
        if group.title == "options":
            group.title = "flaggor"
        elif group.title == "positional arguments":
            group.title = "argument"
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            action.help = "visa den här hjälpen och avsluta"
        elif "--skip-checks" in action.option_strings:
            action.help = argparse.SUPPRESS  # Django's own; works, not listed
        elif action.type is iso_date and action.metavar is None:
            action.metavar = "ÅÅÅÅ-MM-DD"
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                _swedish_parser(sub)


class Command(BaseCommand):
    """A Timbalans command: Swedish argument errors, and only its own options in --help
    (Django's general options such as --traceback still work but are not listed)."""

    # Django's system checks load every URL, and with them every page and what the pages
    # import (the staffing solver's models, numpy): about 0.4 s of a command's 1 s start.
    # ``timbalans check`` runs them, and ``serve`` before it starts the server.
    requires_system_checks: list[str] | tuple[str, ...] | Literal["__all__"] = []
    suppressed_base_arguments = {
        "--version",
        "--verbosity",
        "--settings",
        "--pythonpath",
        "--traceback",
        "--no-color",
        "--force-color",
        "--skip-checks",
    }

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        parser = super().create_parser(prog_name, subcommand.replace("_", "-"), **kwargs)
        _swedish_parser(parser)
        return parser
