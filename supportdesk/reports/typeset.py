"""Typst in a short-lived child process: ``python -m supportdesk.reports.typeset`` reads
one JSON job on stdin and writes the PDF on stdout.

Why a process: Typst memoizes its work in a process-wide cache that the ``typst`` package
never evicts (messense/typst-py#104), so a long-lived web or job worker would keep about
250 MB more after every 1,000-breach report. A child returns all of it when it exits, for
about 0.1 s of start-up. This module imports neither Django nor matplotlib, so the child
starts fast; the parent passes everything in the job (``typeset``)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any


class TypesetError(RuntimeError):
    pass


def font_dir() -> Path:
    """DejaVu Sans (with Cyrillic), the copy matplotlib ships: every document typeset here
    embeds it, whatever fonts the machine has (the SLA report, the quote)."""
    import matplotlib  # in the parent only: the child is handed the folder

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def typeset(
    *,
    template: Path,
    font_dir: Path,
    sys_inputs: dict[str, str],
    timestamp: datetime,
    timeout: float = 300,
) -> bytes:
    """The PDF of ``template`` with ``sys_inputs``, typeset in a child process."""
    job = {
        "template": str(template),
        "font_dir": str(font_dir),
        "sys_inputs": sys_inputs,
        "timestamp": timestamp.isoformat(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "supportdesk.reports.typeset"],
        input=json.dumps(job).encode(),
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        raise TypesetError(reason[-1] if reason else f"typst exited {done.returncode}")
    return done.stdout


def _run(job: dict[str, Any]) -> bytes:
    import typst

    fonts = typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=True, font_paths=[job["font_dir"]]
    )
    compiler = typst.Compiler(job["template"], font_paths=fonts, ignore_system_fonts=True)
    pdf = compiler.compile(
        format="pdf",
        sys_inputs=job["sys_inputs"],
        timestamp=datetime.fromisoformat(job["timestamp"]),
    )
    if not isinstance(pdf, bytes):
        raise TypesetError("typst returned no single document")
    return pdf


if __name__ == "__main__":
    sys.stdout.buffer.write(_run(json.loads(sys.stdin.buffer.read())))
