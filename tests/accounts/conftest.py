from tests.web.conftest import users  # noqa: F401 - one login per role, shared with the pages
