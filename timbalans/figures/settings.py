"""Figure settings: defaults from ``defaults.toml``, overridden by a file or the database.

Every figure output names the settings it used (``FigureSettings.describe``) and the rate set
(``FigureSettings.rates``, ``timbalans.core.rates``).

The economic values (social fee rate, overtime factors, holiday pay, qualifying deduction, OB
amounts, the standard hourly rate, ...) are *rates* with validity dates, not settings: they
live in the rate set. For the tables that apply one value for the whole request (capacity,
overtime, absence) the properties ``social_fee_rate``, ``overtime_factor_simple``,
``overtime_factor_qualified``, ``holiday_pay_rate`` and ``qualifying_deduction_pct_of_week``
give the value valid on ``rates_on`` (``FigureRequest.make`` sets it to D; None = the newest
value). A settings file or mapping that still names one of those keys sets that rate to one
constant value.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from timbalans.core.rates import RateSet, default_rates, rates_from_mapping

DEFAULTS_FILE = Path(__file__).with_name("defaults.toml")


@dataclass(frozen=True)
class FigureSettings:
    status_over_pct: float = 1.0
    status_under_pct: float = -3.0
    on_call_factor: float = 0.25
    standby_factor: float = 1 / 7
    baseline_year: int = 0  # 0: the year before the as-of year
    overtime_goal_pct: dict[int, float] = field(default_factory=lambda: {2026: -50.0})
    repeated_occasions: int = 6
    window_months: int = 12
    # savings: the N cases with the largest deficits, and the low/high reduction in percent
    savings_top_cases: int = 4
    savings_effect_low_pct: float = 10.0
    savings_effect_high_pct: float = 20.0
    # limits (arbetstidslagen): overtime and additional time caps, and rest, in hours
    limit_overtime_4w_hours: float = 48.0
    limit_overtime_month_hours: float = 50.0
    limit_overtime_year_hours: float = 200.0
    limit_additional_year_hours: float = 200.0
    daily_rest_hours: float = 11.0
    weekly_rest_hours: float = 36.0
    source: str = "standard"
    # The rates (satser) with validity dates; not a setting key of its own.
    rates: RateSet = field(default_factory=default_rates)
    # The day the single-value rate properties below are read on (None: the newest value).
    rates_on: dt.date | None = None

    # The economic values as one number, for the tables that apply one value per request.
    @property
    def social_fee_rate(self) -> float:
        return self.rates.value("social_fee_rate", self.rates_on)

    @property
    def overtime_factor_simple(self) -> float:
        return self.rates.value("overtime_factor_simple", self.rates_on)

    @property
    def overtime_factor_qualified(self) -> float:
        return self.rates.value("overtime_factor_qualified", self.rates_on)

    @property
    def holiday_pay_rate(self) -> float:
        return self.rates.value("holiday_pay_rate", self.rates_on)

    @property
    def qualifying_deduction_pct_of_week(self) -> float:
        return self.rates.value("qualifying_deduction_pct_of_week", self.rates_on)

    def with_rates(self, **values: float) -> FigureSettings:
        """These settings with rates replaced by constants (``with_rates(social_fee_rate=0)``)."""
        return replace(self, rates=self.rates.with_values(**values))

    def baseline_for(self, year: int) -> int:
        return self.baseline_year or year - 1

    def goal_for(self, year: int) -> float | None:
        return self.overtime_goal_pct.get(year)

    def describe(self) -> dict[str, Any]:
        """The setting values used, for the output's record (the rates: ``rates.describe``)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_SETTINGS}
        out["overtime_goal_pct"] = {str(k): v for k, v in self.overtime_goal_pct.items()}
        return out


#: Tables of a settings file whose keys are settings of their own (``[absence]``, ``[limits]``).
SECTIONS = ("absence", "limits")
#: Fields of FigureSettings that are not setting keys.
_NOT_SETTINGS = ("rates", "rates_on")
#: Keys that used to be settings and are rates now: a mapping that names one sets that rate to
#: one constant value (old settings files and database rows keep working).
RATE_KEYS = (
    "social_fee_rate",
    "overtime_factor_simple",
    "overtime_factor_qualified",
    "holiday_pay_rate",
    "qualifying_deduction_pct_of_week",
)


def settings_from_mapping(
    data: dict[str, Any], *, source: str, base: FigureSettings | None = None
) -> FigureSettings:
    """Settings from a TOML-shaped mapping; unknown keys are an error naming the key."""
    flat: dict[str, Any] = {}
    base = base or FigureSettings()
    rates = base.rates
    for key, value in data.items():
        if key == "rates" and isinstance(value, dict):
            own = rates_from_mapping({"rates": value}, name=source)
            rates = rates.overridden(own.rates, name=f"{rates.name} + {source}")
            continue
        if key in SECTIONS and isinstance(value, dict):
            flat.update(value)
        elif key == "overtime_goal_pct" and isinstance(value, dict):
            flat[key] = {int(k): float(v) for k, v in value.items()}
        else:
            flat[key] = value
    for key in [k for k in flat if k in RATE_KEYS]:
        try:
            rates = rates.with_constant(key, float(flat.pop(key)), name=f"{rates.name} + {source}")
        except (TypeError, ValueError) as exc:
            raise ValueError(f"ogiltigt värde för {key}") from exc
    known = {f.name: f for f in fields(FigureSettings) if f.name not in _NOT_SETTINGS}
    unknown = sorted(set(flat) - set(known))
    if unknown:
        raise ValueError(f"okänd inställning: {', '.join(unknown)}")
    typed: dict[str, Any] = {}
    for key, value in flat.items():
        kind = known[key].type
        if kind in ("float",):
            typed[key] = float(value)
        elif kind in ("int",):
            typed[key] = int(value)
        else:
            typed[key] = value
    return replace(base, **typed, source=source, rates=rates)


def load_settings(path: Path | None = None) -> FigureSettings:
    """The shipped defaults, overridden by ``path`` when given (file mode)."""
    with DEFAULTS_FILE.open("rb") as f:
        settings = settings_from_mapping(tomllib.load(f), source="standard")
    if path is not None:
        with path.open("rb") as f:
            settings = settings_from_mapping(tomllib.load(f), source=str(path), base=settings)
    return settings
