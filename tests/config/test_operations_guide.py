"""docs/operations.md's settings table lists every environment variable the settings read,
with the code's default."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "timbalans" / "config" / "settings.py"
GUIDE = ROOT / "docs" / "operations.md"
UNSET = None
COMPUTED = object()


def _code_defaults() -> dict[str, object]:
    """Each variable's default in settings.py: a literal as text, UNSET, or COMPUTED."""
    found: dict[str, object] = {}

    def note(name: str, default: object) -> None:
        # One variable read in several places (DATABASE_URL): a default anywhere counts.
        if found.get(name) is UNSET:
            found[name] = default

    for node in ast.walk(ast.parse(SETTINGS.read_text())):
        if (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            note(node.slice.value, UNSET)
        if not isinstance(node, ast.Call) or not node.args:
            continue
        function = ast.unparse(node.func)
        if function not in {"os.environ.get", "env_bool", "env_list"}:
            continue
        first = node.args[0]
        if not isinstance(first, ast.Constant):
            continue
        if len(node.args) < 2:
            default: object = UNSET if function == "os.environ.get" else "false"
        elif isinstance(node.args[1], ast.Constant):
            value = node.args[1].value
            default = str(value).lower() if isinstance(value, bool) else value
        else:
            default = COMPUTED
        note(first.value, UNSET if default == "" else default)
    return found


def _guide_defaults() -> dict[str, str]:
    text = GUIDE.read_text()
    section = text.split("## Settings (environment variables)", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `([A-Z_]+)` \| ([^|]*) \|", section, flags=re.MULTILINE)
    return {name: cell.strip() for name, cell in rows}


def test_every_variable_the_settings_read_is_in_the_guide_and_no_other():
    assert sorted(_guide_defaults()) == sorted(_code_defaults())


def test_the_guides_defaults_are_the_codes():
    guide = _guide_defaults()
    for name, default in _code_defaults().items():
        cell = guide[name]
        if default is UNSET:
            assert cell.startswith("unset"), (name, cell)
        elif default is not COMPUTED:
            assert cell.startswith(f"`{default}`"), (name, cell, default)


def test_it_reads_the_defaults_it_checks():
    code = _code_defaults()
    assert code["TIMBALANS_LOGIN_MAX_FAILURES"] == "5"
    assert code["TIMBALANS_DEBUG"] == "false"
    assert code["TIMBALANS_SECRET_KEY"] is UNSET
    assert code["TIMBALANS_SECURE_COOKIES"] is COMPUTED
