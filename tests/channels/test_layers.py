"""Where intake sits. ``channels.rules`` is below the request actions (they, the pages and
the e-mails all use it), so it reads only lower layers; ``channels.actions`` is above them,
and nothing below imports it."""

from __future__ import annotations

from pathlib import Path

from tests.tickets.test_lifecycle_is_private import ROOT, imported_modules

CHANNELS = ROOT / "supportdesk" / "channels"


def _ours(path: Path) -> set[str]:
    return {module for module in imported_modules(path) if module.startswith("supportdesk.")}


def test_the_rules_read_only_lower_layers() -> None:
    lower = (
        "supportdesk.calendars.", "supportdesk.contracts.", "supportdesk.customers.",
        "supportdesk.sla.", "supportdesk.slamath.",
    )  # fmt: skip
    assert {m for m in _ours(CHANNELS / "rules.py") if not m.startswith(lower)} == set()


def test_no_app_below_intake_imports_its_actions() -> None:
    below = [
        path
        for app in ("tickets", "notifications", "customers", "contracts", "sla", "calendars")
        for path in (ROOT / "supportdesk" / app).rglob("*.py")
    ]
    offenders = [
        str(path.relative_to(ROOT))
        for path in below
        if any(
            m.startswith(("supportdesk.channels.actions", "supportdesk.channels.reads"))
            for m in imported_modules(path)
        )
    ]
    assert offenders == []


def test_no_channel_imports_a_page_module() -> None:
    """A channel (the e-mail reader, the bot, ...) is an adapter on intake like the pages
    are: what both show (the priorities' examples, the notices) lives in ``rules``, never
    in the portal or the workspace, which sit above the channels."""
    pages = ("supportdesk.portal", "supportdesk.workspace")
    paths = sorted(CHANNELS.rglob("*.py"))
    assert CHANNELS / "express" / "dialogue.py" in paths
    offenders = sorted(
        f"{path.relative_to(ROOT)}: {module}"
        for path in paths
        for module in imported_modules(path)
        if module in pages or module.startswith(tuple(f"{page}." for page in pages))
    )
    assert offenders == []
