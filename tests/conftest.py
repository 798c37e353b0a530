import pytest


@pytest.fixture
def dataset_dir(tmp_path):
    from tests.builders import write_set

    return write_set(tmp_path / "set")
