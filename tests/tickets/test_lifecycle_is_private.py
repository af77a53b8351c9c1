"""``tickets.actions._lifecycle`` (the one place status and priority change, with the
clocks) is private to the actions: everything else changes a request through an action."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTIONS = ROOT / "supportdesk" / "tickets" / "actions"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_only_the_actions_package_imports_the_lifecycle() -> None:
    outside = [
        path
        for folder in ("supportdesk", "tests", "bench")
        for path in (ROOT / folder).rglob("*.py")
        if ACTIONS not in path.parents
    ]
    assert len(outside) > 100
    offenders = [
        str(path.relative_to(ROOT))
        for path in outside
        if any({"_lifecycle", "lifecycle"} & set(m.split(".")) for m in imported_modules(path))
    ]
    assert offenders == []
