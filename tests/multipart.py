"""Multipart bodies written by hand, for what a test client will not send: a file part
without a type, eleven files, a body streamed to a real server."""

from __future__ import annotations

from dataclasses import dataclass

BOUNDARY = "desk-test-boundary"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"

# Real signatures, long enough for filetype to recognise them.
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 120
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 120
ZIP = b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + b"\x00" * 64


@dataclass(frozen=True)
class Part:
    field: str
    data: bytes
    filename: str | None = None
    content_type: str | None = None


def body(*parts: Part) -> bytes:
    chunks = []
    for part in parts:
        disposition = f'form-data; name="{part.field}"'
        if part.filename is not None:
            disposition += f'; filename="{part.filename}"'
        head = f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n"
        if part.content_type is not None:
            head += f"Content-Type: {part.content_type}\r\n"
        chunks.append(head.encode() + b"\r\n" + part.data + b"\r\n")
    return b"".join(chunks) + f"--{BOUNDARY}--\r\n".encode()


def files(count: int, field: str = "attachments") -> list[Part]:
    return [Part(field, f"line {n}\n".encode(), f"log-{n}.log", "text/plain") for n in range(count)]
