"""The guides ship inside the package: a wheel built from the repository holds them, and the
package installed from it finds and renders them without the repository beside it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from timbalans.web import guides

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built from a copy of the repository (so no build files land in it)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    shutil.copytree(
        ROOT / "timbalans",
        source / "timbalans",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    out = tmp_path_factory.mktemp("wheel")
    build = ["wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    subprocess.run(
        [sys.executable, "-m", "pip", *build, str(source), "-w", str(out)],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("timbalans-*.whl")
    return built


def test_the_wheel_holds_both_guides_as_they_are_in_the_repository(wheel):
    with zipfile.ZipFile(wheel) as archive:
        for name in (guides.FIGURES, guides.IMPORT):
            shipped = archive.read(f"timbalans/web/guide/{name}")
            assert shipped == (guides.GUIDES / name).read_bytes(), name


def test_the_installed_package_renders_the_figures_guide_from_itself(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    script = (
        "from timbalans.web import guides\n"
        "print(guides.__file__)\n"
        "print(guides.guide_html(guides.FIGURES, 'SAKNAS'))\n"
    )
    # Only the unpacked wheel on the path: not the repository, which would hide a missing file.
    env = {**os.environ, "PYTHONPATH": str(site)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    where, html = done.stdout.split("\n", 1)
    assert Path(where).is_relative_to(site)
    assert '<h2 id="hour-balance-timbalans">' in html
    assert "SAKNAS" not in html
