"""Figure settings: defaults from ``defaults.toml``, overridden by a file or the database.

Every figure output names the settings it used (``FigureSettings.describe``).
"""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

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
    # Economics. Example values to confirm for the department's own agreement and year:
    # PO-pålägg (SKR 2023: 44.53 %), overtime factors on the hourly cost basis, holiday pay for
    # hourly staff (semesterlagen 12 %), qualifying deduction = % of an average week's sick pay.
    social_fee_rate: float = 0.4453
    overtime_factor_simple: float = 1.8
    overtime_factor_qualified: float = 2.0
    holiday_pay_rate: float = 0.12
    qualifying_deduction_pct_of_week: float = 20.0
    source: str = "standard"

    def baseline_for(self, year: int) -> int:
        return self.baseline_year or year - 1

    def goal_for(self, year: int) -> float | None:
        return self.overtime_goal_pct.get(year)

    def describe(self) -> dict[str, Any]:
        """The values used, for the output's record."""
        out = asdict(self)
        out["overtime_goal_pct"] = {str(k): v for k, v in self.overtime_goal_pct.items()}
        return out


def settings_from_mapping(
    data: dict[str, Any], *, source: str, base: FigureSettings | None = None
) -> FigureSettings:
    """Settings from a TOML-shaped mapping; unknown keys are an error naming the key."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if key == "absence" and isinstance(value, dict):
            flat.update(value)
        elif key == "overtime_goal_pct" and isinstance(value, dict):
            flat[key] = {int(k): float(v) for k, v in value.items()}
        else:
            flat[key] = value
    known = {f.name: f for f in fields(FigureSettings)}
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
    return replace(base or FigureSettings(), **typed, source=source)


def load_settings(path: Path | None = None) -> FigureSettings:
    """The shipped defaults, overridden by ``path`` when given (file mode)."""
    with DEFAULTS_FILE.open("rb") as f:
        settings = settings_from_mapping(tomllib.load(f), source="standard")
    if path is not None:
        with path.open("rb") as f:
            settings = settings_from_mapping(tomllib.load(f), source=str(path), base=settings)
    return settings
