"""The layers read downwards only (docs/design.md, *Layers*): figure access lives below the web
app, the plans and the reports, so following a figure goes down, never back and forth.

Checked on the source with ``ast``: every import of a module, also one inside a function.
"""

from __future__ import annotations

import ast
from pathlib import Path

import timbalans

ROOT = Path(timbalans.__file__).parent


def _module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path = ROOT) -> set[str]:
    """Every module ``path`` (in the package at ``root``) imports; ``from a import b``
    counts as ``a`` and ``a.b``."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, one level up per extra dot
                parts = package.split(".")
                anchor = parts[: len(parts) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def modules_of(package: str, *, but: tuple[str, ...] = ()) -> list[Path]:
    return sorted(p for p in (ROOT / package).rglob("*.py") if p.name not in but)


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in paths:
        bad = sorted(
            n
            for n in imported_modules(path)
            if any(n == f or n.startswith(f + ".") for f in forbidden)
        )
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


def test_the_import_walker_sees_absolute_relative_and_function_imports(tmp_path):
    package = tmp_path / "timbalans" / "reports"
    package.mkdir(parents=True)
    (package / "thing.py").write_text(
        "import timbalans.web.filters\n"
        "from ..web import selectors\n"
        "from . import fmt\n"
        "def later():\n"
        "    from timbalans.web.views.common import render_page\n",
        encoding="utf-8",
    )
    assert imported_modules(package / "thing.py", root=tmp_path / "timbalans") >= {
        "timbalans.web.filters",
        "timbalans.web.selectors",
        "timbalans.reports.fmt",
        "timbalans.web.views.common",
    }


def test_plans_and_reports_import_nothing_of_the_web_app_but_in_their_views():
    paths = modules_of("plans", but=("views.py",)) + modules_of("reports", but=("views.py",))
    assert len(paths) > 20
    assert offenders(paths, ("timbalans.web",)) == {}


def test_the_web_apps_template_tags_import_nothing_of_the_reports():
    assert offenders(modules_of("web/templatetags"), ("timbalans.reports",)) == {}


def test_figure_access_imports_none_of_its_readers():
    readers = ("timbalans.web", "timbalans.plans", "timbalans.reports")
    assert offenders([ROOT / "records" / "figure_access.py"], readers) == {}


def test_key_figures_and_the_swedish_formats_are_pure():
    paths = [ROOT / "figures" / "key_figures.py", *modules_of("text")]
    assert offenders(paths, ("django", "timbalans.records", "timbalans.web")) == {}
