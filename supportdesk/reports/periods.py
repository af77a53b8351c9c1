"""The period of an SLA report: a calendar month, quarter or year in the customer's time
zone. One value the builder, the forms, the pages and the command share, written as
``YYYY-MM``, ``YYYY-Qn`` or ``YYYY`` (in URLs, the command and the JSON's ``period``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

_MONTH = re.compile(r"(\d{4})-(\d{2})")
_QUARTER = re.compile(r"(\d{4})-[Qq]([1-4])")
_YEAR = re.compile(r"(\d{4})")


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


_LENGTH = {PeriodKind.MONTH: 1, PeriodKind.QUARTER: 3, PeriodKind.YEAR: 12}


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def previous_month(day: date, count: int = 1) -> date:
    months = day.year * 12 + day.month - 1 - count
    return date(months // 12, months % 12 + 1, 1)


def parse_month(text: str) -> date:
    """The first day of the month written ``YYYY-MM``; ValueError otherwise."""
    match = _MONTH.fullmatch(text.strip())
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise ValueError(f"month {text!r} is not YYYY-MM (e.g. 2026-11)")
    return date(int(match[1]), int(match[2]), 1)


def parse_quarter(text: str) -> Period:
    match = _QUARTER.fullmatch(text.strip())
    if match is None or int(match[1]) < 1:
        raise ValueError(f"quarter {text!r} is not YYYY-Qn (e.g. 2026-Q4)")
    return Period(PeriodKind.QUARTER, date(int(match[1]), 3 * int(match[2]) - 2, 1))


def parse_year(text: str) -> Period:
    match = _YEAR.fullmatch(text.strip())
    if match is None or int(match[1]) < 1:
        raise ValueError(f"year {text!r} is not YYYY (e.g. 2026)")
    return Period(PeriodKind.YEAR, date(int(match[1]), 1, 1))


@dataclass(frozen=True, slots=True)
class Period:
    """``start`` is the first day of the period (a month's, a quarter's, a year's)."""

    kind: PeriodKind
    start: date

    def __post_init__(self) -> None:
        start = self.start
        aligned = start.day == 1 and (
            self.kind is PeriodKind.MONTH
            or (self.kind is PeriodKind.QUARTER and start.month % 3 == 1)
            or (self.kind is PeriodKind.YEAR and start.month == 1)
        )
        if not aligned:
            raise ValueError(f"{start} does not start a {self.kind}")

    @classmethod
    def month(cls, day: date) -> Period:
        return cls(PeriodKind.MONTH, day.replace(day=1))

    @classmethod
    def quarter(cls, day: date) -> Period:
        return cls(PeriodKind.QUARTER, date(day.year, (day.month - 1) // 3 * 3 + 1, 1))

    @classmethod
    def year(cls, day: date) -> Period:
        return cls(PeriodKind.YEAR, date(day.year, 1, 1))

    @classmethod
    def containing(cls, kind: PeriodKind, day: date) -> Period:
        return {PeriodKind.MONTH: cls.month, PeriodKind.QUARTER: cls.quarter}.get(kind, cls.year)(
            day
        )

    @classmethod
    def parse(cls, text: str) -> Period:
        """``YYYY-MM``, ``YYYY-Qn`` or ``YYYY``; ValueError otherwise."""
        text = text.strip()
        if _QUARTER.fullmatch(text):
            return parse_quarter(text)
        if _YEAR.fullmatch(text):
            return parse_year(text)
        try:
            return cls.month(parse_month(text))
        except ValueError:
            raise ValueError(
                f"period {text!r} is not YYYY-MM, YYYY-Qn or YYYY (e.g. 2026-11, 2026-Q4, 2026)"
            ) from None

    @property
    def end(self) -> date:
        """The first day after the period."""
        return previous_month(self.start, -_LENGTH[self.kind])

    @property
    def months(self) -> list[date]:
        """The first days of the period's months, in order."""
        return [previous_month(self.start, -n) for n in range(_LENGTH[self.kind])]

    @property
    def last_month(self) -> date:
        return previous_month(self.end)

    @property
    def label(self) -> str:
        if self.kind is PeriodKind.MONTH:
            return f"{self.start:%Y-%m}"
        if self.kind is PeriodKind.QUARTER:
            return f"{self.start.year:04d}-Q{(self.start.month + 2) // 3}"
        return f"{self.start.year:04d}"

    def __str__(self) -> str:
        return self.label
