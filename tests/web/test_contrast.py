"""Issue 12: the design system's colours meet WCAG AA (4.5:1 for text). The palette is read
from the shared stylesheet's custom properties, and the pairs are the ones the stylesheets
use: every rule that sets a text colour, on the background the same rule sets (the page's
when it sets none), and the text colours that sit on the tinted panels and badges."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "supportdesk"
CSS = ROOT / "web/static/web/site.css"
STYLESHEETS = sorted(p for p in ROOT.glob("**/static/**/*.css") if "vendor" not in p.parts)
AA = 4.5


def palette(text: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", text))


COLOURS = palette(CSS.read_text())


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, two: str) -> float:
    high, low = sorted((luminance(one), luminance(two)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def rules(css: str) -> list[tuple[str, dict[str, str]]]:
    """(selector, declarations) of every innermost rule, comments dropped."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    found = []
    for selector, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        declarations = {}
        for part in body.split(";"):
            if ":" in part:
                name, value = part.split(":", 1)
                declarations[name.strip()] = value.strip()
        found.append((" ".join(selector.split()), declarations))
    return found


def colour_of(value: str) -> str | None:
    """A rule's colour value as a palette name; None for inherit/currentcolor and the like."""
    match = re.fullmatch(r"var\(--([\w-]+)\)", value.split()[0]) if value else None
    return match.group(1) if match else None


def used_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for sheet in STYLESHEETS:
        for selector, declarations in rules(sheet.read_text()):
            text = colour_of(declarations.get("color", ""))
            if text is None:
                continue
            back = declarations.get("background", declarations.get("background-color", ""))
            pairs.append((f"{sheet.name}: {selector}", text, colour_of(back) or "bg"))
    return pairs


# Text that sits on a panel or row whose background another rule sets: page text, muted
# text and links inside notices, internal notes, flashes, highlighted rows and the top bar.
NESTED = [
    (text, back)
    for text in ("ink", "muted", "accent")
    for back in ("bg", "surface", "accent-bg", "ok-bg", "warn-bg", "breach-bg", "neutral-bg")
]


def test_the_palette_is_read_from_the_stylesheet() -> None:
    for name in ("ink", "muted", "bg", "accent", "ok", "warn", "breach", "neutral"):
        assert name in COLOURS, name
    assert len(used_pairs()) >= 20  # the rules were found, so the next test checks something


@pytest.mark.parametrize(("where", "text", "background"), used_pairs())
def test_every_text_colour_the_stylesheets_set_meets_aa(
    where: str, text: str, background: str
) -> None:
    assert text in COLOURS, (where, text)
    assert background in COLOURS, (where, background)
    ratio = contrast(COLOURS[text], COLOURS[background])
    assert ratio >= AA, f"{where}: --{text} on --{background} is {ratio:.2f}:1"


@pytest.mark.parametrize(("text", "background"), NESTED)
def test_text_on_tinted_panels_meets_aa(text: str, background: str) -> None:
    ratio = contrast(COLOURS[text], COLOURS[background])
    assert ratio >= AA, f"--{text} on --{background} is {ratio:.2f}:1"


def test_form_field_borders_meet_the_3_to_1_for_controls() -> None:
    assert contrast(COLOURS["field-line"], COLOURS["bg"]) >= 3


def test_the_check_fails_on_a_pale_colour() -> None:
    pale = palette(":root { --ink: #999999; --bg: #ffffff; }")
    assert contrast(pale["ink"], pale["bg"]) < AA
    ((_selector, declarations),) = rules(".x { color: var(--ink); background: var(--bg) }")
    assert (colour_of(declarations["color"]), colour_of(declarations["background"])) == (
        "ink", "bg"
    )  # fmt: skip
