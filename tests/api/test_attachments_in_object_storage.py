"""Attachments on S3-compatible object storage (SUPPORTDESK_STORAGE=s3), as on several
machines: an upload through the API or the portal lands in the bucket, privately, and
comes back only through the permission-checked download. The storage is a real S3 server
on loopback (moto's)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from moto.server import ThreadedMotoServer
from pytest_django.fixtures import Settings

from supportdesk.env import storage_from_env
from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Request
from tests.api.helpers import NOW, Api
from tests.tickets.conftest import Desk

KEYS = {"aws_access_key_id": "desk-test-key", "aws_secret_access_key": "desk-test-secret"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@dataclass
class Bucket:
    name: str
    client: Any  # boto3's S3 client, to look inside the bucket as its owner would

    def keys(self) -> list[str]:
        listed = self.client.list_objects_v2(Bucket=self.name)
        return [item["Key"] for item in listed.get("Contents", [])]

    def read(self, key: str) -> bytes:
        body: bytes = self.client.get_object(Bucket=self.name, Key=key)["Body"].read()
        return body


@pytest.fixture
def bucket(s3_endpoint: str, settings: Settings) -> Bucket:
    """A fresh private bucket, and the desk's default storage on it, configured the way
    settings.py does from SUPPORTDESK_STORAGE=s3 and the SUPPORTDESK_S3_* variables."""
    name = f"desk-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": storage_from_env(
            "s3", bucket=name, endpoint_url=s3_endpoint, region="us-east-1",
            access_key=KEYS["aws_access_key_id"], secret_key=KEYS["aws_secret_access_key"],
            prefix="desk/", addressing_style="path",
        ),
    }  # fmt: skip
    return Bucket(name, client)


def log_file(content: bytes = b"09:40 queue stalled\n") -> SimpleUploadedFile:
    return SimpleUploadedFile("app.log", content, content_type="text/plain")


def test_an_api_upload_lands_in_the_bucket_and_downloads_through_the_view(
    desk: Desk, anna_request: Request, bucket: Bucket, settings: Settings
) -> None:
    public = actions.reply(actor=desk.anna, request=anna_request, body="Logs", now=NOW)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    answer = Api(desk.anna).upload(path, log_file())
    assert answer.status_code == 201, answer.content
    attachment = Attachment.objects.get(pk=answer.json()["id"])
    key = f"desk/{attachment.file.name}"
    assert bucket.keys() == [key]
    assert bucket.read(key) == b"09:40 queue stalled\n"
    assert not Path(settings.MEDIA_ROOT).exists()  # nothing on this machine's disk
    download = Api(desk.agent).client.get(answer.json()["url"])
    assert download.status_code == 200
    assert download.getvalue() == b"09:40 queue stalled\n"
    assert download["Content-Type"] == "text/plain"
    assert download["Content-Length"] == "20"
    assert 'attachment; filename="app.log"' in download["Content-Disposition"]
    assert Api(desk.vera).get(f"/attachments/{attachment.pk}").status_code == 404


def test_stored_files_are_private(desk: Desk, anna_request: Request, bucket: Bucket) -> None:
    public = actions.reply(actor=desk.anna, request=anna_request, body="Logs", now=NOW)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    Api(desk.anna).upload(path, log_file())
    (key,) = bucket.keys()
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert grants[0]["Grantee"]["Type"] == "CanonicalUser"  # the owner alone


def test_a_portal_reply_with_a_file_lands_in_the_bucket(
    desk: Desk, anna_request: Request, bucket: Bucket
) -> None:
    browser = Client()
    browser.force_login(desk.anna)
    upload = SimpleUploadedFile("trace.log", b"line 1\n", content_type="text/plain")
    browser.post(
        f"/portal/requests/{anna_request.pk}/reply/", {"body": "Logs", "attachments": upload}
    )
    attachment = Attachment.objects.get(message__request=anna_request)
    assert bucket.keys() == [f"desk/{attachment.file.name}"]
    response = browser.get(f"/api/v1/attachments/{attachment.pk}")
    assert b"".join(response.streaming_content) == b"line 1\n"  # type: ignore[attr-defined]


def test_a_file_missing_from_the_bucket_is_404(
    desk: Desk, anna_request: Request, bucket: Bucket
) -> None:
    public = actions.reply(actor=desk.anna, request=anna_request, body="Logs", now=NOW)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    attachment_id = Api(desk.anna).upload(path, log_file()).json()["id"]
    (key,) = bucket.keys()
    bucket.client.delete_object(Bucket=bucket.name, Key=key)
    assert Api(desk.anna).get(f"/attachments/{attachment_id}").status_code == 404
