"""Platform versions, compared as numbers: pure Python, no Django.

"3.9" < "3.10" < "3.10.1"; missing parts count as zero ("3.10" == "3.10.0"); a
pre-release ("3.10-rc1") comes before its release ("3.10"). The installation record
(``contracts.models.Server``) validates the same shape.
"""

from __future__ import annotations

import re
from functools import total_ordering

_SHAPE = re.compile(r"^(\d{1,6}(?:\.\d{1,6}){0,3})(?:-([0-9A-Za-z.]{1,20}))?$")


class VersionError(ValueError):
    """Not a platform version."""


@total_ordering
class Version:
    __slots__ = ("numbers", "pre", "text")

    def __init__(self, text: str) -> None:
        match = _SHAPE.match(text.strip())
        if match is None:
            raise VersionError(f"not a platform version: {text!r} (expected e.g. 3.14.2)")
        numbers = [int(part) for part in match.group(1).split(".")]
        numbers += [0] * (4 - len(numbers))
        self.numbers: tuple[int, ...] = tuple(numbers)
        self.pre: str | None = match.group(2)
        self.text = text.strip()

    def _key(self) -> tuple[tuple[int, ...], int, str]:
        # A release sorts after every pre-release of the same numbers.
        return (self.numbers, 0 if self.pre is not None else 1, self.pre or "")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"Version({self.text!r})"


def is_below(version: str, fixed_in: str) -> bool:
    """Whether ``version`` comes before ``fixed_in`` (so it still has the bug)."""
    return Version(version) < Version(fixed_in)
