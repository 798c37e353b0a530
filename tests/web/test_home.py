"""The plain home page: login required; lists what is imported."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from tests.builders import write_set
from timbalans.records.services import import_batch_apply, import_dataset_validate

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_the_page_lists_tables_units_and_imports(client, tmp_path):
    d = write_set(tmp_path / "s")
    batch = import_batch_apply(dataset=import_dataset_validate(source=d), source=str(d))
    user = get_user_model().objects.create_user("anna", password="hemligt-lösen-1")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert '<td>Utförd tid</td><td class="num">3</td>' in html
    assert '<td>81515</td><td>PA Norr</td><td>81515</td><td class="num">1</td>' in html
    assert f'<td class="num">{batch.pk}</td>' in html
    assert "genomförd" in html


def test_passwords_are_hashed_with_argon2():
    user = get_user_model().objects.create_user("bo", password="hemligt-lösen-2")
    assert user.password.startswith("argon2$")
