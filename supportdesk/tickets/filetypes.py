"""What a file's bytes say it is, with the pure-Python ``filetype`` package (magic numbers
in the first 8 KiB), and which names go with which types. ``attachments.check_upload``
compares this with the type the sender declared; nothing here knows the allow-list.

Text formats (logs, JSON, CSV, XML, YAML) have no magic numbers: for them the question is
only whether the bytes are binary after all (a zip renamed ``.log``)."""

from __future__ import annotations

from pathlib import PurePath

import filetype  # type: ignore[import-untyped]

HEAD_BYTES = 8192  # what filetype reads; enough for every signature it knows

# Names customers give their text files; any text type may carry any of them.
TEXT_EXTENSIONS = frozenset({"txt", "log", "json", "csv", "xml", "yaml", "yml"})

# One name per type, whichever the sender or filetype uses.
_SAME_TYPE = {
    "application/x-zip-compressed": "application/zip",
    "application/x-gzip": "application/gzip",
    "image/apng": "image/png",  # filetype tells animated PNGs apart
    "image/jpg": "image/jpeg",
}
# Extensions in use besides the one filetype names.
_MORE_EXTENSIONS = {
    "image/jpeg": {"jpeg", "jpe", "jfif"},
    "image/tiff": {"tiff"},
    "application/gzip": {"tgz"},
}


def canonical(content_type: str) -> str:
    return _SAME_TYPE.get(content_type, content_type)


def _extensions_by_type() -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for kind in filetype.types:
        found.setdefault(canonical(kind.mime), set()).add(kind.extension.lower())
    for content_type, extensions in _MORE_EXTENSIONS.items():
        found.setdefault(content_type, set()).update(extensions)
    return {content_type: frozenset(names) for content_type, names in found.items()}


_EXTENSIONS = _extensions_by_type()
_BINARY_EXTENSIONS = frozenset().union(*_EXTENSIONS.values())
# Bytes no text file has: C0 controls (but tab, newlines, form feed, ESC of coloured logs)
# and DEL. Encoding-agnostic: UTF-8, Windows-1251 and KOI8-R logs all pass.
_CONTROL_BYTES = bytes(set(range(32)) - set(b"\t\n\v\f\r\x1b")) + b"\x7f"


def has_signature(content_type: str) -> bool:
    """True for types whose files start with magic bytes filetype knows (PNG, PDF, zip);
    false for text formats and anything else it cannot recognise."""
    return canonical(content_type) in _EXTENSIONS


def detect(head: bytes) -> str | None:
    """The type the first bytes announce, or None when they carry no known signature."""
    kind = filetype.guess(head[:HEAD_BYTES])
    return None if kind is None else canonical(str(kind.mime))


def looks_like_text(head: bytes) -> bool:
    """No control bytes: a log that happens to start with ``BM`` (a bitmap's signature)
    is still text; a zip, an executable or an image is not."""
    return len(head.translate(None, _CONTROL_BYTES)) == len(head)


def extension(name: str) -> str:
    return PurePath(name).suffix.lstrip(".").lower()


def name_fits(name: str, content_type: str) -> bool:
    """False when the name's extension belongs to another type (``photo.exe`` as a PNG,
    ``report.png`` as text). Names without an extension, or with one nobody claims
    (``app.log.1``), fit any type."""
    suffix = extension(name)
    if has_signature(content_type):
        return (
            suffix not in _BINARY_EXTENSIONS | TEXT_EXTENSIONS
            or suffix in _EXTENSIONS[canonical(content_type)]
        )
    return suffix not in _BINARY_EXTENSIONS
