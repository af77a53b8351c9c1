"""Text colours of the shared stylesheet meet WCAG AA (4.5:1) on their backgrounds."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "supportdesk/web/static/web/site.css"
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", CSS.read_text()))


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("ink", "#ffffff"),
        ("muted", "#ffffff"),
        ("accent", "#ffffff"),  # links, and white text on accent buttons
        ("warn", "warn-bg"),
        ("breach", "breach-bg"),
    ],
)
def test_text_colours_meet_wcag_aa(text: str, background: str) -> None:
    back = COLOURS.get(background, background)
    assert contrast(COLOURS[text], back) >= 4.5
