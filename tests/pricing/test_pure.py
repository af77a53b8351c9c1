"""The pricing package is pure: importing it loads no Django."""

from __future__ import annotations

import subprocess
import sys


def test_pricing_imports_no_django() -> None:
    code = (
        "import sys\n"
        "import supportdesk.pricing.calculator, supportdesk.pricing.pricelist\n"
        "import supportdesk.pricing.vat, supportdesk.pricing.money\n"
        "supportdesk.pricing.pricelist.shipped()\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
