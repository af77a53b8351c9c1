"""The report's two charts as SVG, drawn by matplotlib without pyplot (no global figure
state, safe in threads). Text is drawn as paths, so the SVG needs no font where it is
shown, and the output is byte-for-byte the same for the same report (fixed ids, no date).
Call inside ``translation.override(language)``."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import matplotlib as mpl
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from supportdesk.reports import text
from supportdesk.reports.figures import SlaReport

_STYLE: dict[RcKeyType, Any] = {
    "svg.hashsalt": "supportdesk-report",  # fixed element ids: the same SVG every time
    "svg.fonttype": "path",
    "font.family": "DejaVu Sans",  # shipped with matplotlib, has Cyrillic
    "font.size": 8,
}
_REACTION = "#1f5f99"
_RESOLUTION = "#d9822b"


def _percent(value: Decimal | None) -> float:
    return float(value * 100) if value is not None else float("nan")


def _svg(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def trend_svg(report: SlaReport) -> bytes:
    """Requests registered per month (bars) and the share within SLA (lines) over the
    last 12 months of the period, with the target."""
    labels = text.labels()
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 2.6))
        volume = figure.add_subplot()
        months = [point.period_start.strftime("%Y-%m") for point in report.trend]
        positions = list(range(len(months)))
        volume.bar(positions, [p.requests for p in report.trend], color="#c8d3df")
        volume.set_ylabel(labels["requests"])
        volume.set_xticks(positions, months, rotation=45, ha="right")
        shares = volume.twinx()
        shares.plot(
            positions,
            [_percent(p.reaction_share) for p in report.trend],
            marker="o",
            color=_REACTION,
            label=labels["reaction"],
        )
        shares.plot(
            positions,
            [_percent(p.resolution_share) for p in report.trend],
            marker="s",
            color=_RESOLUTION,
            label=labels["resolution"],
        )
        shares.axhline(float(report.target * 100), color="#a33", linestyle="--", linewidth=1)
        shares.set_ylim(0, 105)
        shares.set_ylabel(labels["share"] + ", %")
        shares.legend(loc="lower left", frameon=False)
        figure.tight_layout()
        return _svg(figure)


def priority_svg(report: SlaReport) -> bytes:
    """The share within SLA per priority, reaction and resolution side by side."""
    labels = text.labels()
    with mpl.rc_context(_STYLE):
        figure = Figure(figsize=(7.0, 2.4))
        axes = figure.add_subplot()
        priorities = [p.priority for p in report.by_priority]
        positions = list(range(len(priorities)))
        width = 0.38
        axes.bar(
            [x - width / 2 for x in positions],
            [_percent(p.reaction.share) for p in report.by_priority],
            width,
            color=_REACTION,
            label=labels["reaction"],
        )
        axes.bar(
            [x + width / 2 for x in positions],
            [_percent(p.resolution.share) for p in report.by_priority],
            width,
            color=_RESOLUTION,
            label=labels["resolution"],
        )
        axes.axhline(float(report.target * 100), color="#a33", linestyle="--", linewidth=1)
        axes.set_xticks(positions, priorities)
        axes.set_ylim(0, 105)
        axes.set_ylabel(labels["share"] + ", %")
        axes.legend(loc="lower left", frameon=False)
        figure.tight_layout()
        return _svg(figure)
