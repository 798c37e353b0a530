"""Rates (satser) in the database: the service that changes one and the selector of the set.

* :func:`rate_update` writes one value of one rate from a date and records the change
  (who, when, the value in force on that date before, the new value) in ``RateChange``.
* :func:`rate_set_load` gives the pure :class:`timbalans.core.rates.RateSet` the figures use:
  the shipped defaults (``core/rates.toml``) with the department's rows laid over them. Its
  name says whether and when the database changed it, and every figure output prints it.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal, InvalidOperation

from django.db import transaction

from timbalans.core.rates import UNKNOWN_RATE, Rate, RateSet, default_rates
from timbalans.records import models as m

RATE_VALUE_NOT_NUMBER = "Värdet för {key} måste vara ett tal."
DATABASE_NAME = "databas (ändrad {date})"


def rate_update(
    *, key: str, valid_from: dt.date, value: float | Decimal | str, user_name: str, note: str = ""
) -> m.Rate:
    """Set ``key`` to ``value`` from ``valid_from``; record who, when, old and new."""
    if key not in default_rates():
        raise ValueError(UNKNOWN_RATE.format(key=key))
    try:
        number = Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except InvalidOperation as exc:
        raise ValueError(RATE_VALUE_NOT_NUMBER.format(key=key)) from exc
    if not number.is_finite():
        raise ValueError(RATE_VALUE_NOT_NUMBER.format(key=key))
    with transaction.atomic():
        old = rate_set_load().value(key, valid_from)
        rate, _ = m.Rate.objects.select_for_update().get_or_create(
            key=key, valid_from=valid_from, defaults={"value": number}
        )
        rate.value = number
        rate.note = note
        rate.example = False
        rate.changed_by_name = user_name
        rate.save()
        m.RateChange.objects.create(
            key=key,
            valid_from=valid_from,
            old=old,
            new=float(number),
            changed_by_name=user_name,
        )
    return rate


def rate_set_load(*, base: RateSet | None = None) -> RateSet:
    """The rate set in force: ``base`` (the shipped defaults) with the database's rows over it."""
    base = base or default_rates()
    rows = list(m.Rate.objects.all())
    if not rows:
        return base
    latest = max(r.changed_at for r in rows)
    name = f"{base.name} + " + DATABASE_NAME.format(date=f"{latest:%Y-%m-%d}")
    own = [
        Rate(
            key=r.key,
            valid_from=r.valid_from,
            value=float(r.value),
            source=r.note or f"ändrad av {r.changed_by_name}",
            example=r.example,
        )
        for r in rows
        if r.key in base and math.isfinite(float(r.value))
    ]
    return base.overridden(own, name=name)


__all__ = ["rate_set_load", "rate_update"]
