"""docs/roles.md shows the matrix as it is: generated from MATRIX, checked here."""

from __future__ import annotations

from pathlib import Path

from supportdesk.staff.permissions import markdown_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "roles.md"


def test_the_page_shows_the_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    shown = text.split("<!-- matrix:start -->\n")[1].split("<!-- matrix:end -->")[0]
    table = markdown_table()
    assert shown == table, f"docs/roles.md is behind MATRIX; paste:\n{table}"
