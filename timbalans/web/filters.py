"""The filters every page shares, parsed from the URL so a view can be shared by link."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.http import HttpRequest

from timbalans.accounts.access import Access
from timbalans.records.figure_access import FigureScope, figure_scope, today


def _date(raw: str | None) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        return None


@dataclass(frozen=True)
class Filters:
    """``as_of`` is D; ``date_from``/``date_to`` default to the year to date where a page
    shows months, and to D where it shows current settlement periods."""

    as_of: dt.date
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    unit: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Filters:
        g = request.GET
        as_of = _date(g.get("as_of")) or today()
        date_from = _date(g.get("from"))
        date_to = _date(g.get("to"))
        if date_from and date_to and date_to < date_from:
            date_from, date_to = date_to, date_from
        return cls(as_of=as_of, date_from=date_from, date_to=date_to, unit=g.get("unit", ""))

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.as_of.year, 1, 1)

    @property
    def months_from(self) -> dt.date:
        """Start of a month range: ``from`` or the 1st of January of D's year."""
        return self.date_from or self.year_start

    @property
    def months_to(self) -> dt.date:
        return self.date_to or self.as_of

    def query(self, **changes: str) -> str:
        """The query string of these filters, with changes (empty values left out)."""
        params = {
            "as_of": self.as_of.isoformat(),
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
            "unit": self.unit,
        }
        params.update(changes)
        return urlencode({k: v for k, v in params.items() if v})

    def with_unit(self, unit: str) -> Filters:
        return replace(self, unit=unit)

    def scope(self, access: Access) -> FigureScope:
        """The figure scope of these filters for this user: D and the units in view
        (PermissionDenied for a unit filter outside the user's units)."""
        return figure_scope(access=access, as_of=self.as_of, unit=self.unit)
