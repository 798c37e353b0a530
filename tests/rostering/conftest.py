import pytest


@pytest.fixture
def staffing_dir(tmp_path):
    """BASE with a March 2025 plan: two open shifts in case 51470 (unit 81515)."""
    from tests.rostering.data import write_staffing_set

    return write_staffing_set(tmp_path / "set")
