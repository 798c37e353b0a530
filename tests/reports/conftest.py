"""The hand-computed department and the users of tests/plans/conftest.py."""

from tests.plans.conftest import access_of, department, roles

__all__ = ["access_of", "department", "roles"]
