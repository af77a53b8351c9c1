"""Issue 12: one design system in one stylesheet. Every page links web/site.css; the
palette is written there once (:root) and every other stylesheet uses its variables;
no template carries an inline style or script (the CSP would refuse them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "supportdesk"
SITE = ROOT / "web/static/web/site.css"
STYLESHEETS = sorted(p for p in ROOT.glob("**/static/**/*.css") if "vendor" not in p.parts)
TEMPLATES = sorted(
    {*ROOT.glob("**/templates/**/*.html"), *ROOT.glob("**/admin_templates/**/*.html")}
)
# Pages of their own that are not ours to style: the API reference is Swagger UI's.
OWN_LOOK = {"api/templates/api/docs.html"}
COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(|"
    r":\s*(?:white|black|red|green|blue|yellow|orange|gray|grey)\b"
)


def without_comments(css: str) -> str:
    return re.sub(r"/\*.*?\*/", "", css, flags=re.S)


def root_block(css: str) -> str:
    match = re.search(r":root\s*\{([^}]*)\}", without_comments(css))
    assert match, "site.css has no :root block"
    return match.group(1)


def test_the_design_tokens_are_in_the_shared_stylesheet() -> None:
    tokens = set(re.findall(r"--([\w-]+):", root_block(SITE.read_text())))
    for family in ("text-", "space-"):
        assert len({t for t in tokens if t.startswith(family)}) >= 5, family
    assert {"ink", "muted", "bg", "accent", "ok", "warn", "breach", "neutral"} <= tokens


@pytest.mark.parametrize("sheet", STYLESHEETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_colours_are_written_only_in_the_palette(sheet: Path) -> None:
    css = without_comments(sheet.read_text())
    if sheet == SITE:
        css = css.replace(root_block(sheet.read_text()), "")
    else:
        assert not re.search(r"--[\w-]+\s*:", css), f"{sheet.name} defines its own variables"
    assert not COLOUR.findall(css), f"{sheet.name}: {COLOUR.findall(css)}"


def test_the_colour_check_finds_a_colour() -> None:
    assert COLOUR.findall(".x { color: #a00; background: rgb(1 2 3); border-color: red; }")


def test_the_portal_has_no_stylesheet_of_its_own() -> None:
    assert not list((ROOT / "portal").glob("**/*.css"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_inline_style_or_script(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"\sstyle\s*=", text), "inline style attribute"
    assert "<style" not in text, "inline <style>"
    for tag in re.findall(r"<script\b[^>]*>", text):
        assert " src=" in tag, f"inline script: {tag}"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline event handler"


def _name(template: Path) -> str:
    """The name Django loads a template by: its path below templates/ (admin_templates/)."""
    parts = template.relative_to(ROOT).parts
    folder = next(i for i, part in enumerate(parts) if part.endswith("templates"))
    return "/".join(parts[folder + 1 :])


def test_every_page_links_the_shared_stylesheet() -> None:
    by_name = {_name(t): t for t in TEMPLATES}
    pages = {name for name, t in by_name.items() if "<html" in t.read_text()}
    assert {"web/base.html", "500.html"} <= pages
    for name in pages - {_name(ROOT / own) for own in OWN_LOOK}:
        assert "{% static 'web/site.css' %}" in by_name[name].read_text(), name
    # Every other template is a fragment or extends, in the end, one of those pages;
    # the admin's pages are Django's own (with web/admin.css for the zone note).
    for name, template in by_name.items():
        seen = name
        while parent := re.search(r'{% extends "([^"]+)" %}', by_name[seen].read_text()):
            seen = parent.group(1)
            if seen not in by_name:
                break
        assert (
            seen in pages or seen.startswith("admin/") or "{% extends" not in template.read_text()
        ), name
