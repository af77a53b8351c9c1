"""Benchmark of the calendar engine: ``add`` and ``working_time`` against pandas and
businesstimedelta, plus a correctness check against a minute-stepping reference.

Run from the project root (no Django, no database)::

    .venv/bin/python -m bench.calendar_bench [--n 100000] [--seed 1] [--quick]

The calendar is ``RU_SUPPORT``: Europe/Moscow, 10:00-19:00 on Russian working days. The run

1. draws ``n`` starts uniformly over 2024-01-01..2026-12-31 (Moscow dates, to the second,
   passed as UTC-aware datetimes), ``n`` durations of 1-400 h (whole minutes) and ``n``
   ends up to 60 days after their start;
2. warms the engine up with one call per year (the lazy compile is timed apart), then times
   ``cal.add`` and ``cal.working_time`` over all ``n`` inputs, best of 3;
3. times pandas ``CustomBusinessHour`` and businesstimedelta on subsamples with whole-hour
   durations (pandas offsets only count whole hours), and compares their answers with ours
   wherever their calendar model can express ours;
4. checks ours against a minute-stepping reference; any disagreement makes the exit code 1.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import os
import platform
import random
import sys
import time
from bisect import bisect_left
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from importlib.metadata import version
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import businesstimedelta as btd
import numpy as np
import pandas as pd

from supportdesk.slamath.calendar import WorkCalendar
from supportdesk.slamath.catalog import RU_SUPPORT
from supportdesk.slamath.hours import DAY

ZONE = ZoneInfo("Europe/Moscow")
FIRST_DAY = date(2024, 1, 1)  # starts are drawn over these Moscow dates, both included
LAST_DAY = date(2026, 12, 31)
MAX_HOURS = 400
MAX_SPAN = 60 * DAY  # seconds from a start to its ``working_time`` end
OPEN, CLOSE = clock(10), clock(19)  # the hours as pandas and businesstimedelta are told them
REPEATS = 3
TARGET_US = 3.0  # ours, per operation
TARGET_PANDAS_RATIO = 50.0  # pandas / ours, for add

MINUTE = timedelta(minutes=1)
REF_MAX_MINUTES = 40 * 60  # working time added in the reference check
REF_MAX_SPAN_MINUTES = 10 * 24 * 60  # wall-clock span of a reference working_time
REF_STEP_LIMIT = 366 * 24 * 60  # the reference gives up after a year of minutes


@dataclass(frozen=True, slots=True)
class Sizes:
    n: int  # inputs timed for our engine
    pandas: int  # subsample timed with pandas (and ours, on the same inputs)
    btd: int  # subsample timed with businesstimedelta, far slower than pandas
    reference: int  # random cases checked against the minute-stepping reference


FULL = Sizes(n=100_000, pandas=2_000, btd=2_000, reference=300)
QUICK = Sizes(n=5_000, pandas=200, btd=50, reference=60)


# -- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inputs:
    starts: list[datetime]  # UTC-aware, whole seconds
    durations: list[timedelta]  # 1-400 h in whole minutes, for the full timing
    ends: list[datetime]  # start + 0..60 days, whole seconds
    hours: list[int]  # 1-400 whole hours, for the comparison subsamples


def moscow_midnight(day: date) -> datetime:
    return datetime.combine(day, clock(0), ZONE)


def draw_inputs(n: int, sample: int, seed: int) -> Inputs:
    rng = random.Random(f"calendar-bench-{seed}")
    low = int(moscow_midnight(FIRST_DAY).timestamp())
    high = int(moscow_midnight(LAST_DAY + timedelta(days=1)).timestamp())
    starts = [datetime.fromtimestamp(rng.randrange(low, high), UTC) for _ in range(n)]
    durations = [timedelta(minutes=rng.randint(60, MAX_HOURS * 60)) for _ in range(n)]
    ends = [start + timedelta(seconds=rng.randint(0, MAX_SPAN)) for start in starts]
    hours = [rng.randint(1, MAX_HOURS) for _ in range(sample)]
    return Inputs(starts, durations, ends, hours)


def local_date(moment: datetime) -> date:
    return moment.astimezone(ZONE).date()


def days(first: date, last: date) -> Iterator[date]:
    for ordinal in range(first.toordinal(), last.toordinal() + 1):
        yield date.fromordinal(ordinal)


# -- what pandas and businesstimedelta can express -------------------------------------------


@dataclass(frozen=True, slots=True)
class PlainModel:
    """Mon-Fri 10:00-19:00 minus whole-day holidays: all the other libraries can say.

    Neither can make a Saturday or Sunday a working day (pandas' weekmask and
    businesstimedelta's ``working_days`` are per weekday), nor give one date other hours.
    """

    holidays: frozenset[date]  # Mon-Fri dates with no working time in our calendar
    differing: tuple[date, ...]  # sorted dates whose hours in our calendar the model lacks

    def equivalent(self, first: date, last: date) -> bool:
        """Whether the model agrees with our calendar on every date of [first-1, last+1]."""
        index = bisect_left(self.differing, first - timedelta(days=1))
        return index == len(self.differing) or self.differing[index] > last + timedelta(days=1)


def plain_model(cal: WorkCalendar) -> PlainModel:
    workday = ((OPEN.hour * 3600, CLOSE.hour * 3600),)
    if cal.rules.weekly != (workday,) * 5 + ((), ()):
        raise SystemExit(f"{cal.name}: weekly hours are no longer Mon-Fri {OPEN}-{CLOSE}")
    years = [day.year for day in cal.rules.day_types] + [FIRST_DAY.year, LAST_DAY.year + 1]
    holidays: set[date] = set()
    differing: list[date] = []
    for day in days(date(min(years), 1, 1), date(max(years), 12, 31)):
        hours = cal.rules.hours_on(day)
        weekday = day.weekday() < 5
        if weekday and not hours:
            holidays.add(day)
        if hours != (workday if weekday and day not in holidays else ()):
            differing.append(day)
    return PlainModel(frozenset(holidays), tuple(differing))


# -- timing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timing:
    ops: int
    seconds: float  # best of REPEATS

    @property
    def us_per_op(self) -> float:
        return self.seconds / self.ops * 1e6


def best_of[T](run: Callable[[], list[T]]) -> tuple[Timing, list[T]]:
    """Best wall time of REPEATS runs, garbage collector off (as timeit does)."""
    best = float("inf")
    result: list[T] = []
    collecting = gc.isenabled()
    gc.disable()
    try:
        for _ in range(REPEATS):
            began = time.perf_counter()
            result = run()
            best = min(best, time.perf_counter() - began)
    finally:
        if collecting:
            gc.enable()
    return Timing(len(result), best), result


def time_adds(
    cal: WorkCalendar, starts: Sequence[datetime], durations: Sequence[timedelta]
) -> tuple[Timing, list[datetime]]:
    add = cal.add
    return best_of(
        lambda: [add(start, span) for start, span in zip(starts, durations, strict=True)]
    )


def time_spans(
    cal: WorkCalendar, starts: Sequence[datetime], ends: Sequence[datetime]
) -> tuple[Timing, list[timedelta]]:
    between = cal.working_time
    pairs = list(zip(starts, ends, strict=True))
    return best_of(lambda: [between(start, end) for start, end in pairs])


def warm_up(cal: WorkCalendar, years: range) -> list[tuple[int, float]]:
    """One ``add`` per year, each timed: the first calls compile the interval list."""
    took = []
    for year in years:
        began = time.perf_counter()
        cal.add(datetime(year, 7, 1, tzinfo=UTC), timedelta(hours=1))
        took.append((year, time.perf_counter() - began))
    return took


def pandas_adds(
    model: PlainModel, starts: Sequence[datetime], hours: Sequence[int], *, aware: bool
) -> tuple[Timing, list[datetime]]:
    """``timestamp + CustomBusinessHour(n=hours)``; offsets are built before the timing.

    ``aware=False``: naive Moscow wall-clock Timestamps prepared outside the timing (the
    cheapest way to use pandas). ``aware=True``: the conversion from our aware UTC
    datetimes to Moscow Timestamps is timed too, as our ``add`` does its own.
    """
    calendar = np.busdaycalendar(weekmask="1111100", holidays=sorted(model.holidays))
    offsets = {
        count: pd.offsets.CustomBusinessHour(
            n=count, start=OPEN.strftime("%H:%M"), end=CLOSE.strftime("%H:%M"), calendar=calendar
        )
        for count in set(hours)
    }
    steps = [offsets[count] for count in hours]
    if aware:
        zone = str(ZONE)
        moments = list(zip(starts, steps, strict=True))
        timing, stamps = best_of(
            lambda: [pd.Timestamp(start).tz_convert(zone) + step for start, step in moments]
        )
        return timing, [stamp.to_pydatetime() for stamp in stamps]
    naive = [pd.Timestamp(start.astimezone(ZONE).replace(tzinfo=None)) for start in starts]
    timing, stamps = best_of(
        lambda: [stamp + step for stamp, step in zip(naive, steps, strict=True)]
    )
    return timing, [stamp.to_pydatetime().replace(tzinfo=ZONE) for stamp in stamps]


def btd_rule(model: PlainModel) -> Any:
    zone = importlib.import_module("pytz").timezone(str(ZONE))  # businesstimedelta needs pytz
    return btd.Rules(
        [
            btd.WorkDayRule(start_time=OPEN, end_time=CLOSE, working_days=[0, 1, 2, 3, 4], tz=zone),
            btd.HolidayRule(model.holidays, tz=zone),
        ]
    )


def btd_adds(
    rule: Any, starts: Sequence[datetime], hours: Sequence[int]
) -> tuple[Timing, list[datetime]]:
    deltas = [btd.BusinessTimeDelta(rule, hours=count) for count in hours]
    pairs = list(zip(starts, deltas, strict=True))
    return best_of(lambda: [start + delta for start, delta in pairs])


def btd_spans(
    rule: Any, starts: Sequence[datetime], ends: Sequence[datetime]
) -> tuple[Timing, list[timedelta]]:
    return best_of(
        lambda: [
            rule.difference(start, end).timedelta for start, end in zip(starts, ends, strict=True)
        ]
    )


# -- agreement with the other libraries -------------------------------------------------------


@dataclass(slots=True)
class Agreement:
    compared: int = 0
    excluded: int = 0  # the library's model differs from our calendar within the range
    same: int = 0
    closing: int = 0  # ours ends at closing time, theirs at the next opening
    disagreements: list[str] = field(default_factory=list)

    def line(self) -> str:
        text = (
            f"compared {self.compared}, excluded {self.excluded} (calendar not expressible), "
            f"identical {self.same}"
        )
        if self.closing:
            text += f", closing time vs next opening {self.closing}"
        return text + f", disagreements {len(self.disagreements)}"


def compare_adds(
    cal: WorkCalendar,
    model: PlainModel,
    starts: Sequence[datetime],
    hours: Sequence[int],
    ours: Sequence[datetime],
    theirs: Sequence[datetime],
) -> Agreement:
    result = Agreement()
    for start, count, mine, other in zip(starts, hours, ours, theirs, strict=True):
        if not model.equivalent(local_date(start), max(local_date(mine), local_date(other))):
            result.excluded += 1
            continue
        result.compared += 1
        if mine == other:
            result.same += 1
        elif not cal.is_open(mine) and cal.next_open(mine) == other:
            result.closing += 1
        else:
            result.disagreements.append(
                f"add({start.isoformat()}, {count} h): ours {mine.isoformat()}, "
                f"theirs {other.astimezone(ZONE).isoformat()}"
            )
    return result


def compare_spans(
    model: PlainModel,
    starts: Sequence[datetime],
    ends: Sequence[datetime],
    ours: Sequence[timedelta],
    theirs: Sequence[timedelta],
) -> Agreement:
    result = Agreement()
    for start, end, mine, other in zip(starts, ends, ours, theirs, strict=True):
        if not model.equivalent(local_date(start), local_date(end)):
            result.excluded += 1
        elif mine == other:
            result.compared += 1
            result.same += 1
        else:
            result.compared += 1
            result.disagreements.append(
                f"working_time({start.isoformat()}, {end.isoformat()}): ours {mine}, theirs {other}"
            )
    return result


# -- the minute-stepping reference ----------------------------------------------------------


def working_minute(cal: WorkCalendar, moment: datetime) -> bool:
    """Whether the minute [moment, moment + 1 min) is working time, read off the rules.

    ``moment`` is on a whole minute and all hours are whole minutes, so the minute is
    working iff its first second is: the local time of day lies in an interval of the local
    date, or in an interval of the day before that runs past midnight.
    """
    local = moment.astimezone(cal.zone)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    today = local.date()
    yesterday = today - timedelta(days=1)
    return any(start <= seconds < end for start, end in cal.rules.hours_on(today)) or any(
        start <= seconds + DAY < end for start, end in cal.rules.hours_on(yesterday)
    )


def reference_add(cal: WorkCalendar, start: datetime, minutes: int) -> datetime:
    """Step minute by minute; the answer is the end of the minute that completes the time."""
    moment, left = start, minutes
    for _ in range(REF_STEP_LIMIT):
        working = working_minute(cal, moment)
        moment += MINUTE
        if working:
            left -= 1
            if left == 0:
                return moment
    raise RuntimeError(f"reference: no {minutes} working minutes within a year of {start}")


def reference_working_time(cal: WorkCalendar, start: datetime, end: datetime) -> timedelta:
    count, moment = 0, start
    while moment < end:
        count += working_minute(cal, moment)
        moment += MINUTE
    return count * MINUTE


@dataclass(frozen=True, slots=True)
class ReferenceCase:
    start: datetime  # UTC, whole minute
    minutes: int  # working time to add
    end: datetime  # for working_time


def reference_cases(model: PlainModel, count: int, seed: int) -> list[ReferenceCase]:
    """``count`` random cases plus opening/closing times around every special date.

    The special dates are the weekday holidays and the working weekend days of the range.
    Half of the durations are whole 9-h days, so that many deadlines fall on closing time.
    """
    rng = random.Random(f"calendar-reference-{seed}")
    low = int(moscow_midnight(FIRST_DAY).timestamp()) // 60
    high = int(moscow_midnight(LAST_DAY + timedelta(days=1)).timestamp()) // 60
    starts = [datetime.fromtimestamp(60 * rng.randrange(low, high), UTC) for _ in range(count)]
    special = sorted(
        day for day in model.holidays | set(model.differing) if FIRST_DAY <= day <= LAST_DAY
    )
    for day in special:
        for wall in (
            datetime.combine(day - timedelta(days=1), CLOSE, ZONE),
            datetime.combine(day, OPEN, ZONE),
            datetime.combine(day + timedelta(days=1), OPEN, ZONE),
        ):
            starts.append(wall.astimezone(UTC))
    cases = []
    for start in starts:
        if rng.random() < 0.5:
            minutes = 9 * 60 * rng.randint(1, REF_MAX_MINUTES // (9 * 60))
        else:
            minutes = rng.randint(1, REF_MAX_MINUTES)
        end = start + rng.randint(1, REF_MAX_SPAN_MINUTES) * MINUTE
        cases.append(ReferenceCase(start, minutes, end))
    return cases


def check_reference(cal: WorkCalendar, cases: Sequence[ReferenceCase]) -> list[str]:
    for day in days(FIRST_DAY - timedelta(days=1), LAST_DAY + timedelta(days=60)):
        if any(bound % 60 for interval in cal.rules.hours_on(day) for bound in interval):
            raise SystemExit(f"{day}: hours not on whole minutes, the reference cannot step")
    problems = []
    for case in cases:
        expected = reference_add(cal, case.start, case.minutes)
        got = cal.add(case.start, case.minutes * MINUTE)
        if got != expected:
            problems.append(
                f"add({case.start.isoformat()}, {case.minutes} min): "
                f"expected {expected.astimezone(ZONE).isoformat()}, got {got.isoformat()}"
            )
        expected_span = reference_working_time(cal, case.start, case.end)
        got_span = cal.working_time(case.start, case.end)
        if got_span != expected_span:
            problems.append(
                f"working_time({case.start.isoformat()}, {case.end.isoformat()}): "
                f"expected {expected_span}, got {got_span}"
            )
    return problems


# -- report ---------------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = "unknown"
    memory = "unknown"
    cpuinfo, meminfo = Path("/proc/cpuinfo"), Path("/proc/meminfo")
    if cpuinfo.exists():
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")
            ),
            cpu,
        )
    if meminfo.exists():
        total = next(
            line for line in meminfo.read_text().splitlines() if line.startswith("MemTotal")
        )
        memory = f"{int(total.split()[1]) / 1024**2:.1f} GiB"
    return [
        f"cpu: {cpu}, {os.cpu_count()} logical cores, memory {memory}",
        f"python {platform.python_version()} on {platform.platform()}",
        f"pandas {pd.__version__}, numpy {np.__version__}, "
        f"businesstimedelta {version('businesstimedelta')}",
    ]


def ratio(theirs: Timing, ours: Timing) -> float:
    return theirs.us_per_op / ours.us_per_op


def met(flag: bool) -> str:
    return "met" if flag else "NOT met"


@dataclass(frozen=True, slots=True)
class Figures:
    add: Timing  # ours over all n
    span: Timing
    pandas_ours: Timing  # ours on the pandas subsample
    pandas: Timing  # naive Moscow Timestamps
    btd_ours_add: Timing  # ours on the businesstimedelta subsample
    btd_ours_span: Timing
    btd_add: Timing
    btd_span: Timing


def print_calendar(cal: WorkCalendar, model: PlainModel) -> None:
    print(f"\ncalendar {cal.name} ({cal.zone}), starts {FIRST_DAY}..{LAST_DAY}")
    reach = LAST_DAY + timedelta(days=90)
    missing = [str(day) for day in model.differing if FIRST_DAY <= day <= reach]
    print(f"  dates pandas/businesstimedelta cannot express: {', '.join(missing)}")


def warm_up_and_print(cal: WorkCalendar, inputs: Inputs) -> None:
    years = range(
        min(start.year for start in inputs.starts),
        max(max(end.year for end in inputs.ends), LAST_DAY.year + 1) + 1,
    )
    took = warm_up(cal, years)
    print(
        f"\ncompile (warm-up, one add per year {years.start}-{years.stop - 1}): "
        f"{sum(seconds for _, seconds in took) * 1e3:.1f} ms in all, "
        f"{len(cal._timeline.starts)} intervals"
    )
    print("  " + ", ".join(f"{year}: {seconds * 1e3:.2f} ms" for year, seconds in took))


def run_pandas(
    cal: WorkCalendar, model: PlainModel, inputs: Inputs, size: int
) -> tuple[Timing, Timing, list[str]]:
    starts, hours = inputs.starts[:size], inputs.hours[:size]
    ours, ours_results = time_adds(cal, starts, [timedelta(hours=count) for count in hours])
    naive, naive_results = pandas_adds(model, starts, hours, aware=False)
    aware, aware_results = pandas_adds(model, starts, hours, aware=True)
    naive_agreement = compare_adds(cal, model, starts, hours, ours_results, naive_results)
    aware_agreement = compare_adds(cal, model, starts, hours, ours_results, aware_results)
    print(f"\npandas CustomBusinessHour, {size} adds of 1-400 whole hours")
    print(f"  ours, same inputs               {ours.us_per_op:8.2f} µs/op")
    print(
        f"  pandas, naive Moscow Timestamps {naive.us_per_op:8.1f} µs/op "
        f"({ratio(naive, ours):.0f}x ours)"
    )
    print(
        f"  pandas, aware in and out        {aware.us_per_op:8.1f} µs/op "
        f"({ratio(aware, ours):.0f}x ours)"
    )
    print(f"  agreement (naive): {naive_agreement.line()}")
    print(f"  agreement (aware): {aware_agreement.line()}")
    print("  working_time: pandas has no business-duration-between operation; not timed")
    return ours, naive, naive_agreement.disagreements + aware_agreement.disagreements


def run_btd(
    cal: WorkCalendar, model: PlainModel, inputs: Inputs, size: int
) -> tuple[Timing, Timing, Timing, Timing, list[str]]:
    starts, ends, hours = inputs.starts[:size], inputs.ends[:size], inputs.hours[:size]
    rule = btd_rule(model)
    ours_add, ours_add_results = time_adds(cal, starts, [timedelta(hours=h) for h in hours])
    ours_span, ours_span_results = time_spans(cal, starts, ends)
    their_add, their_add_results = btd_adds(rule, starts, hours)
    their_span, their_span_results = btd_spans(rule, starts, ends)
    add_agreement = compare_adds(cal, model, starts, hours, ours_add_results, their_add_results)
    span_agreement = compare_spans(model, starts, ends, ours_span_results, their_span_results)
    print(f"\nbusinesstimedelta, {size} adds of 1-400 whole hours, {size} working_times")
    print(
        f"  add           ours {ours_add.us_per_op:6.2f} µs/op, businesstimedelta "
        f"{their_add.us_per_op:9.1f} µs/op ({ratio(their_add, ours_add):,.0f}x ours)"
    )
    print(
        f"  working_time  ours {ours_span.us_per_op:6.2f} µs/op, businesstimedelta "
        f"{their_span.us_per_op:9.1f} µs/op ({ratio(their_span, ours_span):,.0f}x ours)"
    )
    print(f"  agreement add:          {add_agreement.line()}")
    print(f"  agreement working_time: {span_agreement.line()}")
    problems = add_agreement.disagreements + span_agreement.disagreements
    return ours_add, ours_span, their_add, their_span, problems


def run_reference(cal: WorkCalendar, model: PlainModel, size: int, seed: int) -> list[str]:
    cases = reference_cases(model, size, seed)
    began = time.perf_counter()
    problems = check_reference(cal, cases)
    print(
        f"\nreference (minute stepping): {len(cases)} adds of 1 min-40 h and {len(cases)} "
        f"working_times over up to 10 days ({size} random, {len(cases) - size} at "
        f"opening/closing around special dates), {time.perf_counter() - began:.1f} s"
    )
    print(f"  disagreements with reference: {len(problems)}")
    for problem in problems:
        print(f"    {problem}")
    return problems


def print_summary(figures: Figures) -> None:
    pandas_ratio = ratio(figures.pandas, figures.pandas_ours)
    add_target = (
        f"≤ {TARGET_US:g} µs: {met(figures.add.us_per_op <= TARGET_US)}; "
        f"≥ {TARGET_PANDAS_RATIO:g}x pandas: {met(pandas_ratio >= TARGET_PANDAS_RATIO)}"
    )
    span_target = f"≤ {TARGET_US:g} µs: {met(figures.span.us_per_op <= TARGET_US)}"
    print("\nsummary (µs per operation; ratios against ours on the same sampled inputs)\n")
    print("| op | ours | pandas | businesstimedelta | pandas / ours | btd / ours | targets |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
    print(
        f"| add | {figures.add.us_per_op:.2f} | {figures.pandas.us_per_op:.1f} "
        f"| {figures.btd_add.us_per_op:,.0f} | {pandas_ratio:.0f}x "
        f"| {ratio(figures.btd_add, figures.btd_ours_add):,.0f}x | {add_target} |"
    )
    print(
        f"| working_time | {figures.span.us_per_op:.2f} | n/a "
        f"| {figures.btd_span.us_per_op:,.0f} | n/a "
        f"| {ratio(figures.btd_span, figures.btd_ours_span):,.0f}x | {span_target} |"
    )


def run(sizes: Sizes, seed: int) -> int:
    print(f"calendar benchmark: n={sizes.n}, seed={seed}, best of {REPEATS}")
    for line in machine():
        print(f"  {line}")
    inputs = draw_inputs(sizes.n, max(sizes.pandas, sizes.btd), seed)
    cal = RU_SUPPORT.build()
    model = plain_model(cal)
    print_calendar(cal, model)
    warm_up_and_print(cal, inputs)
    timeline = cal._timeline

    add, _ = time_adds(cal, inputs.starts, inputs.durations)
    span, _ = time_spans(cal, inputs.starts, inputs.ends)
    print(f"\nours, n={sizes.n} (durations 1-400 h in whole minutes, spans up to 60 days)")
    print(f"  add           {add.us_per_op:6.2f} µs/op")
    print(f"  working_time  {span.us_per_op:6.2f} µs/op")

    pandas_ours, pandas, pandas_problems = run_pandas(cal, model, inputs, sizes.pandas)
    btd_ours_add, btd_ours_span, btd_add, btd_span, btd_problems = run_btd(
        cal, model, inputs, sizes.btd
    )
    for problem in (pandas_problems + btd_problems)[:10]:
        print(f"    {problem}")
    if cal._timeline is not timeline:
        print("\nwarning: the engine recompiled its intervals during the timed runs")

    problems = run_reference(cal, model, sizes.reference, seed)
    print_summary(
        Figures(add, span, pandas_ours, pandas, btd_ours_add, btd_ours_span, btd_add, btd_span)
    )
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.calendar_bench", description=__doc__)
    parser.add_argument("--n", type=int, help=f"operations timed for ours (default {FULL.n})")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--quick", action="store_true", help=f"small run: n={QUICK.n} and smaller subsamples"
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    if args.n is not None:
        if args.n < 1:
            parser.error("--n must be positive")
        sizes = Sizes(args.n, min(sizes.pandas, args.n), min(sizes.btd, args.n), sizes.reference)
    return run(sizes, args.seed)


if __name__ == "__main__":
    sys.exit(main())
