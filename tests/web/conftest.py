"""Shared web test data: the hand-written set of tests/builders.py (two units, two cases),
with one sick spell per employee, and one user per role (``users``, ``imported`` and
``as_user`` are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from tests.builders import write_set
from tests.conftest import PASSWORD, ROLES

__all__ = ["PASSWORD", "ROLES"]

AS_OF = "2025-02-15"

ABSENCES = (
    "employee_id;start;end;type;extent_percent;hours\n"
    "E1;2025-02-03;2025-02-04;sick;100;\n"
    "E2;2025-02-05;2025-02-05;sick;100;\n"
)

SHIFTS = (
    "shift_id;case_id;employee_id;start;end;break_minutes;kind\n"
    "S1;51470;E1;2025-02-20 07:00;2025-02-20 16:00;60;assistance\n"
    "S2;51357;;2025-02-21 22:00;2025-02-22 07:00;0;assistance\n"
)


@pytest.fixture(scope="module")
def department():
    """The set that ``imported`` (tests/conftest.py) imports once per module."""
    return lambda directory: write_set(directory, absences=ABSENCES, shifts=SHIFTS)
