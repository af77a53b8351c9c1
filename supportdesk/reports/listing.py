"""The list of contracts and months the report pages offer (portal and desk)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from supportdesk.contracts.models import Contract
from supportdesk.reports.access import report_months, report_years


def contract_rows(
    contracts: Iterable[Contract], *, today: date, url: str, months: int = 24
) -> list[dict[str, object]]:
    """``url`` is the report page's path with ``{number}`` and ``{month}``."""
    rows: list[dict[str, object]] = []
    this_month = today.replace(day=1)
    for contract in contracts:
        listed = report_months(contract, today=today)[:months]
        rows.append(
            {
                "contract": contract,
                "years": [
                    {
                        "label": year.label,
                        "url": url.format(number=contract.number, month=year.label),
                        "current": year.start.year == today.year,
                    }
                    for year in report_years(contract, today=today)
                ],
                "months": [
                    {
                        "label": f"{m:%Y-%m}",
                        "url": url.format(number=contract.number, month=f"{m:%Y-%m}"),
                        "current": m == this_month,
                    }
                    for m in listed
                ],
            }
        )
    return rows
