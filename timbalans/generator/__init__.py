"""Demo data generator: a canonical data set (``shared/spec/data.md``) that looks like the
department of the seeds (``shared/seeds/``), at three scales, from one code path.

Use::

    from timbalans.generator import generate
    counts = generate(Path("out"), scale="department", seed=1, until=date(2026, 11, 23))

or ``python -m timbalans.generator OUT --scale department --seed 1 --until 2026-11-23
[--format csv|parquet] [--progress] [--json]``. The same seed and until give byte-identical
files (numpy PCG64, no wall clock except the default ``until`` = today).

Scales (``config.SCALES``)
--------------------------
* ``department``: 4 units (81515-81518, "LSS personlig assistans och stöd"), 40 cases, about
  400 employees, data from 2025-01-01 through ``until``; CSV.
* ``municipality``: 40 units, 400 cases, from 1 January of the year before ``until``'s
  (``Scale.baseline_year``), so the overtime table's baseline year is whole;
  ``national``: 1,400 units, 14,000 cases (Parquet), the 12 calendar months ending with
  ``until``'s month. A case's own staff and one
  year of turnover give about 7.6 employees per case; these scales also keep a staffing pool
  (bemanningspool, ``Scale.pool_per_case``): about 1.9 more hourly substitutes per case, who
  share the hourly days of the case's schedule lines and mostly fill in for absent
  colleagues. That makes about 10 employees per case (about 4,050 and 143,000 employees).
Planned shifts run 8 weeks past ``until`` (``PLAN_DAYS_AFTER_UNTIL``); worked time, sick leave,
the ledger (completed months before ``until``'s month) and the time reports are facts and stop
at ``until``.

The model
---------
**Units** have a profile (``config.PROFILES``): ``hourly_heavy`` (81515: low monthly-staff
cover, many hourly staff, more sick leave, higher problem levels), ``over_capacity`` (81516,
81517: monthly staff contracted for 112-130 % of the schedule, so paid time goes unused) and
``balanced`` (81518). Larger scales draw profiles by ``PROFILE_MIX``.

**Cases** (codes 51xxx, labels "Ärende NN") are 24/7 (``P_24_7``: three awake shifts, 168
h/week), day plus night on call/standby (``P_NIGHT_ON_CALL``: jour counts 1/4, beredskap 1/7
toward granted hours), day cases (45-112 h/week, one or two shifts), or municipal LSS
assistance (``P_KOMMUN``: under 20 h/week on 3-7 days, payer KOMMUN, 1-month periods). Some
have double assistance (``P_DOUBLE``: a second person for 2-6 h a day), a raised rate
(``P_RAISED_RATE``: +3-12 %, one decision per year), a new decision mid-period
(``P_DECISION_CHANGE``: hours +-20 %, the schedule follows after up to three weeks), start or end
inside the data (``P_NEW_CASE``, ``P_ENDED_CASE``). FK settlement periods are 6 months from a
period start in one of the 6 months before the data; the decision rows themselves start with
the data (or the case), so the first period's granted hours cover only days with time data.

Each case has a **problem level** q (0..1, drawn from its unit's profile range) that scales
every cost driver: over-planning (planned = granted x (1 + ``OVERPLAN_BASE`` +
``OVERPLAN_PER_Q`` q), realised as an extra overlapping shift on some weekdays), handover
overlaps of 15 minutes (``P_HANDOVER`` + q), the probability to replace an absent employee with
overtime (0.15 + 0.9 q) and to extend a shift as overtime (0.03 + 0.3 q), hourly-staff seats
and their turnover (``HOURLY_TURNOVER_PER_YEAR`` + ``HOURLY_TURNOVER_PER_Q`` q), sick leave.

**The four named cases** of the action plan (``WORST_CASES``: 51470, 51357, 51463, 51451) are
24/7 cases in 81515 with problem levels 1.0, 0.82, 0.66, 0.53 (others stay below
``MAX_OTHER_PROBLEM``). They are staffed with one full-timer per shift and the rest hourly
staff (who rotate and are replaced often, each newcomer working a week of introduction shifts
beside the regular assistant), planned 1 + ``WORST_OVERPLAN`` q^1.5 over their granted hours
(26 % for 51470 down to 12 % for 51451) with 30/30/30/15-minute handover overlaps, and get the
most overtime. Their settlement periods are calendar half-years. No decision change, raised
rate, HSL or structural staff adds noise to them. Nothing in the ledger is hard-coded: their
deficits come out as the four largest of 2025, in this order, from the generated time (checked
for seeds 1-24). From May 2026 (the action plan's measures) most of the extra shift is removed
and their overtime falls further.

**Staffing.** A case's shifts are *lines* (schemarader): the same slot on the days of a weekday
mask. A line is worked by *seats* in an 8-week rota of 2-day blocks (``ROTA_CYCLE_DAYS``,
``ROTA_BLOCK_DAYS``); a seat's share of the days is its contracted hours (monthly staff, up to
95 % of the line) or a random share of the rest (hourly staff). Jour/beredskap nights are worked
by 2-3 hourly staff. A seat is held by one employee at a time; holders change with
``MONTHLY_TURNOVER_PER_YEAR`` / hourly turnover, the newcomer's employment starting a week early.
Monthly staff are 45 % full-time (40 h, some 37 h) and part-time 50-90 %, salary 28,000-34,000
at 100 %; ``P_TEMP`` are fixed-term, ``P_TEMP_TO_PERMANENT`` of those become permanent (two
consecutive employment rows). Hourly wages 160-190 SEK. ``STRUCTURAL_SHARE`` of monthly staff are
in work training or reassignment: extra seats without rota days who only fill in.

**Absences** (``absences``): long-term sick leave (60-300 days, ``SICK_LONG_PER_YEAR`` of the
monthly staff a year, possibly begun before the data), medium spells (15-59 days,
``SICK_MEDIUM_PER_YEAR``), parental leave, 7-9 short sick spells in the last 12 months for
about 3.5 % of monthly staff (repeated short absence), summer vacation of 3-5 weeks and a
Christmas week, ordinary sick spells (gamma-Poisson with mean ``SICK_SHORT_SPELLS_PER_YEAR``
times the case's sick multiplier, mostly 1-5 days), vab. Spells never overlap or touch.

**Worked time** (``timebook``) follows the plan up to ``until`` 24:00 with small deviations.
A shift whose booked employee is absent, not employed or not booked (open) is taken by someone
of the case's staff who is free at that time, by the priority order: the wanted kind first
(full-timers as overtime with the case's overtime probability times the year's multiplier
``OVERTIME_2025`` -> ``OVERTIME_2026``, a third of that for absences known in advance;
part-timers as mertid; hourly staff as ordinary time; staff with unused contracted time as
ordinary time), otherwise anyone but a full-timer, a full-timer last; ``P_UNFILLED`` stay
unworked. Overtime is qualified on red days and 20-06. An employee never has overlapping rows
and never works outside an employment or during an absence. Times never fall in the skipped or
repeated hour of a daylight-saving change; durations in the ledger are real elapsed time.

**Contracts fit their line**: a monthly employment is never larger than what its schedule line
still needs (``CONTRACT_OVERSHOOT_HOURS``), so paid time goes unused only where a unit is
staffed over its schedules (``over_capacity``: 100-108 % of the line), around turnover and
for staff in work training or reassignment (paid whatever they do: they are asked first when a
shift of their own case needs someone).

**Budget** (``budget.csv``, ``ledger.budget_frame``): for ``until``'s year, each cost centre's
categories at the same month of the year before (revenue raised by the schablonbelopp's rise,
costs at last year's level), and a ``result`` row per named case at half of its deficit the
same month a year before (the action plan's goal).

**Ledger** (``ledger``): see that module; amounts come from the generated time and employments
with the rates of ``config`` (OB windows incl. storhelg, overtime factors 1.8/2.0, 12 % holiday
pay, 44.53 % social fees, schablonbelopp per year, revenue capped at the settlement period's
granted hours), and the management allocation ``MANAGEMENT_PER_HOUR``.

Realism targets (each tested in ``tests/generator/test_realism.py`` for the department,
seed 1, 2025 and 2026 to ``until``, measured with the product's own figure tables)
-----------------------------------------------------------------------------------
* sick leave 8-10 % of the monthly staff's ordinary hours (absence: sick_hours /
  ordinary_hours), as in municipal care; of it 40-75 % from day 15 of a spell on, with spells
  past day 60;
* unused contracted time (capacity: unused_hours / contracted_hours) 3-8 % for the
  department and under 12 % in every unit, the highest in an over-capacity unit (81517);
* the four named cases have the four largest 2025 deficits, in order, and most cases a deficit
  (existing tests);
* the data passes every import rule: no worked time without an employment in force, never two
  monthly employments at once, no duplicate rows and no overlapping worked time of one
  employee (``tests/generator/test_integrity.py``).
"""

from timbalans.generator.core import generate

__all__ = ["generate"]
