"""The outbox is the lowest layer: ``notifications`` delivers and knows no domain, so no
domain's import of it can close a cycle. It may use only the audit log, the jobs'
heartbeats and ``supportdesk.rows`` (the fast INSERT), which import nothing of ours."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "supportdesk"
ALLOWED = {
    "notifications": {"notifications", "audit", "jobs", "rows"},
    "audit": {"audit", "rows"},
    "jobs": {"jobs"},
}


def apps_imported(app: str) -> dict[str, set[str]]:
    """Each module of ``app`` (migrations aside) -> the supportdesk apps it imports."""
    found = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[str(path.relative_to(ROOT))] = {
            name.split(".")[1] for name in names if name.startswith("supportdesk.")
        }
    return found


def test_the_outbox_imports_no_domain() -> None:
    wrong = {
        module: sorted(imported - ALLOWED[app])
        for app in ALLOWED
        for module, imported in apps_imported(app).items()
        if imported - ALLOWED[app]
    }
    assert wrong == {}


def test_the_fast_insert_imports_nothing_of_ours() -> None:
    tree = ast.parse((ROOT / "rows.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert {name for name in imported if name and name.startswith("supportdesk")} == set()
