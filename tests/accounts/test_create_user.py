"""``timbalans create-user`` refuses weak passwords and units that do not exist, in Swedish."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from timbalans.accounts.management.commands.create_user import NO_SUCH_UNIT, NO_SUCH_UNITS
from timbalans.accounts.services import WEAK_PASSWORD
from timbalans.records.models import Unit

pytestmark = pytest.mark.django_db


def _create(*args):
    call_command("create_user", *args)


def test_it_refuses_a_short_common_password_with_djangos_reasons():
    with pytest.raises(CommandError) as e:
        _create("kalle", "--role", "controller", "--password", "abc")
    assert str(e.value) == WEAK_PASSWORD.format(
        reasons="Det här lösenordet är för kort. Det måste innehålla minst 8 tecken. "
        "Detta lösenord är alldeles för vanligt."
    )
    assert not get_user_model().objects.exists()


def test_it_refuses_a_password_of_digits_only():
    with pytest.raises(CommandError) as e:
        _create("kalle", "--role", "controller", "--password", "40981726354")
    assert str(e.value) == WEAK_PASSWORD.format(reasons="Detta lösenord är enbart numeriskt.")


def test_it_refuses_a_unit_that_does_not_exist():
    Unit.objects.create(unit_id="81515", name="Enhet", cost_center="1")
    with pytest.raises(CommandError) as e:
        _create(
            "kalle", "--role", "unit_manager", "--unit", "999", "--password", "Ett-bra-lösen-71"
        )
    assert str(e.value) == NO_SUCH_UNIT.format(units="999", known="81515")
    assert not get_user_model().objects.exists()


def test_it_names_every_missing_unit_before_the_first_import():
    with pytest.raises(CommandError) as e:
        _create("kalle", "--role", "unit_manager", "--unit", "2", "--unit", "1")
    assert str(e.value) == NO_SUCH_UNITS.format(units="1, 2", known="inga")


def test_it_creates_a_unit_manager_of_a_known_unit(capsys):
    Unit.objects.create(unit_id="81515", name="Enhet", cost_center="1")
    _create("kalle", "--role", "unit_manager", "--unit", "81515", "--password", "Ett-bra-lösen-71")
    assert get_user_model().objects.get().profile.units.get().unit_id == "81515"
    assert "Skapade kalle (Enhetschef, enheter: 81515)." in capsys.readouterr().out
