"""The hand-computed department and the users of tests/plans/conftest.py."""

from tests.plans.conftest import access_of, as_user, imported, users

__all__ = ["access_of", "as_user", "imported", "users"]
