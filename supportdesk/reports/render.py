"""What the analytics pages and exports share: tables formatted for reading, the charts'
data (handed to ``reports/charts.js`` through ``json_script``: no inline script), and CSV
where no cell a person wrote can run as a formula."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from supportdesk.reports.analytics import Analytics, Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def display(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    if kind == "share":
        return f"{number_format(Decimal(value) * 100, 1)} %"
    if kind == "hours":
        return number_format(value, 1)
    return str(value)


@dataclass(frozen=True, slots=True)
class ShownTable:
    table: Table
    rows: list[list[str]]
    chart_id: str
    chart: dict[str, Any] | None


def shown(analytics: Analytics) -> list[ShownTable]:
    result = []
    for table in analytics.tables:
        rows = [
            [display(value, column.kind) for value, column in zip(row, table.columns, strict=True)]
            for row in table.rows
        ]
        chart = None
        if table.chart and table.rows:
            titles = {column.key: str(column.title) for column in table.columns}
            chart = {
                "labels": [str(row[0]) for row in table.rows],
                "datasets": [
                    {"label": titles[key], "data": [_number(v) for v in table.column(key)]}
                    for key in table.chart
                ],
                "stacked": table.name == "backlog",
            }
        result.append(ShownTable(table, rows, f"chart-{table.name}", chart))
    return result


def summary(analytics: Analytics) -> list[tuple[str, str]]:
    """The headline figures, each with what it counts."""
    s = analytics.summary

    def rate(value: Decimal | None, met: str) -> str:
        return f"{display(value, 'share')} ({met})"

    return [
        (_("Requests"), str(s.requests)),
        (
            _("Reaction within SLA"),
            rate(s.reaction_share, _("of %(n)d clocks") % {"n": s.reaction_counted}),
        ),
        (
            _("Resolution within SLA"),
            rate(s.resolution_share, _("of %(n)d clocks") % {"n": s.resolution_counted}),
        ),
        (
            _("First-contact resolution rate"),
            rate(s.fcr_share, _("of %(n)d resolved") % {"n": s.resolved}),
        ),
        (
            _("Reopen rate"),
            rate(s.reopen_rate, _("%(r)d of %(n)d resolved") % {"r": s.reopened, "n": s.resolved}),
        ),
    ]


def _number(value: Any) -> float | int | None:
    if value is None:
        return None
    return float(value) if isinstance(value, Decimal) else value


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula gets a leading quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_rows(table: Table) -> Iterable[list[Any]]:
    yield [safe_cell(str(column.title)) for column in table.columns]
    for row in table.rows:
        yield [safe_cell(str(value)) if isinstance(value, str) else value for value in row]


def csv_response(table: Table, *, filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    writer = csv.writer(response)
    for row in csv_rows(table):
        writer.writerow("" if value is None else value for value in row)
    return response


def page_context(form: object, result: Analytics | None, *, export_url: str) -> dict[str, Any]:
    """What the portal's and the desk's analytics pages render."""
    return {
        "form": form,
        "result": result,
        "tables": shown(result) if result else [],
        "summary": summary(result) if result else [],
        "export_url": export_url,
    }


def export_response(result: Analytics | None, table: str) -> HttpResponse:
    """One table of the month as CSV; 400 when the selection was invalid."""
    if result is None:
        return HttpResponse(status=400)
    month = result.window.start.strftime("%Y-%m")  # the local month: start is its midnight
    return csv_response(result.table(table), filename=f"analytics-{table}-{month}.csv")
