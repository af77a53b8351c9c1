"""What the upload endpoint refuses, by the file's bytes as well as its declared type:
415 for a contradiction or a part without a type, 422 for an empty file, 413 for more
files than one post may carry. Plain-text logs and JSON are accepted."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Request
from tests import multipart
from tests.api.helpers import NOW, Api, snapshot
from tests.multipart import ELF, EXE, PNG, ZIP, Part
from tests.tickets.conftest import Desk

UPLOAD = "/requests/{request}/messages/{message}/attachments"


@pytest.fixture
def path(desk: Desk, anna_request: Request) -> str:
    public = actions.reply(actor=desk.anna, request=anna_request, body="Files", now=NOW)
    return UPLOAD.format(request=anna_request.pk, message=public.pk)


def raw_post(client: Api, path: str, *parts: Part) -> Any:
    return client.client.post(
        f"/api/v1{path}", multipart.body(*parts), content_type=multipart.CONTENT_TYPE
    )


@pytest.mark.parametrize(
    ("name", "content", "declared", "reason"),
    [
        ("photo.png", ELF, "image/png", "contents are application/x-executable, not image/png"),
        ("photo.png", EXE, "image/png", "contents are application/x-msdownload, not image/png"),
        ("report.pdf", PNG, "application/pdf", "contents are image/png, not application/pdf"),
        ("app.log", ZIP, "text/plain", "contents are application/zip, not text/plain"),
        ("notes.png", b"just text\n", "image/png", "contents are not image/png"),
        ("photo.exe", PNG, "image/png", "the name does not fit a file of type image/png"),
        ("report.png", b"just text\n", "text/plain", "does not fit a file of type text/plain"),
    ],
)
def test_bytes_or_a_name_that_contradict_the_declared_type_are_415(
    desk: Desk, path: str, name: str, content: bytes, declared: str, reason: str
) -> None:
    before = snapshot()
    answer = Api(desk.anna).upload(path, SimpleUploadedFile(name, content, content_type=declared))
    assert answer.status_code == 415, answer.content
    assert reason in answer.json()["detail"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("app.log", b"09:40 queue stalled\n", "text/x-log"),
        ("BMW-gateway.log", b"BM gateway restarted\n", "text/plain"),  # "BM" opens a bitmap
        ("app.log.1", "09:40 очередь встала\n".encode("cp1251"), "text/plain"),
        ("state.json", b'{"queue": "stalled"}', "application/json"),
        ("config.yaml", b"relay:\n  retries: 3\n", "application/yaml"),
        ("inventory.xml", b'<?xml version="1.0"?><hosts/>', "text/xml"),
        ("hosts.csv", b"host,state\nrelay-1,down\n", "text/csv"),
        ("screen", PNG, "image/png"),  # no extension: nothing to contradict
        ("logs.zip", ZIP, "application/x-zip-compressed"),
    ],
)
def test_text_files_without_magic_bytes_and_true_binaries_are_accepted(
    desk: Desk, path: str, name: str, content: bytes, declared: str
) -> None:
    answer = Api(desk.anna).upload(path, SimpleUploadedFile(name, content, content_type=declared))
    assert answer.status_code == 201, answer.content
    stored = Attachment.objects.get(pk=answer.json()["id"])
    assert (stored.name, stored.content_type) == (name, declared)
    assert stored.file.read() == content


def test_the_allow_list_is_configuration(settings: Settings, desk: Desk, path: str) -> None:
    settings.ATTACHMENT_TYPES = frozenset({"application/pdf"})
    log = SimpleUploadedFile("app.log", b"09:40 queue stalled\n", content_type="text/plain")
    answer = Api(desk.anna).upload(path, log)
    assert (answer.status_code, answer.json()) == (
        415,
        {"detail": "app.log: files of type text/plain are not accepted; allowed: application/pdf."},
    )


def test_a_file_part_without_a_type_is_415(desk: Desk, path: str) -> None:
    before = snapshot()
    answer = raw_post(Api(desk.anna), path, Part("file", b"09:40 queue stalled\n", "app.log"))
    assert answer.status_code == 415
    assert answer.json()["detail"].startswith("app.log: the file's type is not given; allowed:")
    assert snapshot() == before


def test_an_empty_file_is_422(desk: Desk, path: str) -> None:
    before = snapshot()
    answer = raw_post(Api(desk.anna), path, Part("file", b"", "app.log", "text/plain"))
    assert (answer.status_code, answer.json()) == (422, {"detail": "app.log is empty."})
    assert snapshot() == before


def test_more_files_than_one_post_may_carry_are_413(desk: Desk, path: str) -> None:
    before = snapshot()
    answer = raw_post(Api(desk.anna), path, *multipart.files(11, field="file"))
    assert (answer.status_code, answer.json()) == (
        413,
        {"detail": "more than 10 files in one request"},
    )
    assert snapshot() == before


def test_the_operation_documents_each_refusal(desk: Desk) -> None:
    schema = Api().client.get("/api/openapi.json").json()
    operation = schema["paths"][
        "/api/v1" + UPLOAD.format(request="{request_id}", message="{message_id}")
    ]
    responses = operation["post"]["responses"]
    assert "SUPPORTDESK_REQUEST_MAX_BYTES" in responses["413"]["description"]
    assert "SUPPORTDESK_UPLOAD_MAX_FILES" in responses["413"]["description"]
    assert "contradict" in responses["415"]["description"]
    assert "empty file" in responses["422"]["description"]
    for code in ("413", "415", "422"):
        assert responses[code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }
