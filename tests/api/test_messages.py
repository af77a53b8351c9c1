"""The conversation and its attachments: internal notes stay internal, uploads are limited."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from pytest_django.fixtures import Settings

from supportdesk.audit.models import AuditEvent
from supportdesk.tickets import actions
from supportdesk.tickets.models import Attachment, Message, Request
from tests.api.helpers import NOW, Api, open_request, snapshot
from tests.tickets.conftest import Desk


def conversation(desk: Desk, request: Request) -> tuple[Message, Message]:
    public = actions.reply(actor=desk.anna, request=request, body="Logs attached", now=NOW)
    note = actions.add_internal_note(actor=desk.agent, request=request, body="Hmm", now=NOW)
    return public, note


def log_file(
    content: bytes = b"09:40 queue stalled\n", name: str = "app.log"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def test_customers_never_see_internal_notes(desk: Desk, anna_request: Request) -> None:
    public, note = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages"
    staff = Api(desk.agent).get(path).json()
    assert [message["id"] for message in staff] == [public.pk, note.pk]
    customer = Api(desk.anna).get(path).json()
    assert [message["id"] for message in customer] == [public.pk]
    assert customer[0]["body"] == "Logs attached"


def test_upload_and_download(desk: Desk, anna_request: Request) -> None:
    public, _ = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    answer = Api(desk.anna).upload(path, log_file(name="../../etc/app.log"))
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert (body["name"], body["size"], body["content_type"]) == ("app.log", 20, "text/plain")
    attachment = Attachment.objects.get(pk=body["id"])
    assert attachment.file.name.startswith("attachments/")
    assert "etc" not in str(attachment.file.name)
    assert AuditEvent.objects.filter(action="request.attachment_added").count() == 1
    listed = Api(desk.anna).get(f"/requests/{anna_request.pk}/messages").json()
    assert listed[0]["attachments"] == [body]
    download = Api(desk.agent).client.get(body["url"])
    assert download.status_code == 200
    assert download.getvalue() == b"09:40 queue stalled\n"
    assert download["Content-Type"] == "text/plain"
    assert 'attachment; filename="app.log"' in download["Content-Disposition"]


def test_a_customer_cannot_attach_to_or_download_from_an_internal_note(
    desk: Desk, anna_request: Request
) -> None:
    _, note = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages/{note.pk}/attachments"
    before = snapshot()
    assert Api(desk.anna).upload(path, log_file()).status_code == 404
    assert snapshot() == before
    staff = Api(desk.agent).upload(path, log_file())
    assert staff.status_code == 201
    assert Api(desk.anna).get(f"/attachments/{staff.json()['id']}").status_code == 404
    assert Api(desk.agent).get(f"/attachments/{staff.json()['id']}").status_code == 200


def test_a_message_of_another_request_is_404(desk: Desk, anna_request: Request) -> None:
    other = open_request(desk)
    public, _ = conversation(desk, other)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    assert Api(desk.agent).upload(path, log_file()).status_code == 404


def test_size_and_type_limits(settings: Settings, desk: Desk, anna_request: Request) -> None:
    settings.ATTACHMENT_MAX_BYTES = 10
    public, _ = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    client = Api(desk.anna)
    before = snapshot()
    too_big = client.upload(path, log_file(b"x" * 11))
    assert too_big.status_code == 413
    assert "10 bytes" in too_big.json()["detail"]
    script = SimpleUploadedFile("x.html", b"<script>", content_type="text/html")
    refused = client.upload(path, script)
    assert refused.status_code == 415
    assert "text/html" in refused.json()["detail"]
    assert client.upload(path, log_file(b"")).status_code == 422
    assert client.client.post(f"/api/v1{path}", {}).status_code == 422  # no file at all
    assert snapshot() == before
    assert client.upload(path, log_file(b"x" * 10)).status_code == 201


def test_the_allow_list(desk: Desk, anna_request: Request) -> None:
    allowed = django_settings.ATTACHMENT_TYPES
    assert {"image/png", "application/pdf", "text/plain", "application/zip"} <= allowed
    assert {"application/json", "application/xml", "application/yaml", "text/x-log"} <= allowed
    assert "image/svg+xml" not in allowed  # scripts inside
    public, _ = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    pdf = SimpleUploadedFile("r.pdf", b"%PDF-1.7", content_type="application/pdf; name=r.pdf")
    answer = Api(desk.anna).upload(path, pdf)
    assert (answer.status_code, answer.json()["content_type"]) == (201, "application/pdf")


def test_a_missing_file_is_404_not_500(desk: Desk, anna_request: Request) -> None:
    public, _ = conversation(desk, anna_request)
    path = f"/requests/{anna_request.pk}/messages/{public.pk}/attachments"
    attachment_id = Api(desk.anna).upload(path, log_file()).json()["id"]
    attachment = Attachment.objects.get(pk=attachment_id)
    attachment.file.delete(save=False)
    assert Api(desk.anna).get(f"/attachments/{attachment_id}").status_code == 404
