"""The per-file limit while a file streams in (``web.uploads``): past the limit the bytes
stop being stored, what was stored is deleted, and the file arrives refused with its true
size, while the other files of the same post and the form's fields are intact."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import RequestFactory
from pytest_django.fixtures import Settings

from supportdesk.tickets.attachments import UploadRejected, check_upload
from tests import multipart
from tests.multipart import Part


def test_a_file_over_the_limit_is_dropped_while_it_streams(
    settings: Settings, tmp_path: Path
) -> None:
    settings.ATTACHMENT_MAX_BYTES = 1000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every file goes to a temporary file
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    body = multipart.body(
        Part("body", b"Logs attached"),
        Part("attachments", b"x" * 5000, "huge.log", "text/plain"),
        Part("attachments", b"line 1\n", "small.log", "text/plain"),
    )
    request = RequestFactory().post("/portal/", body, content_type=multipart.CONTENT_TYPE)
    huge, small = request.FILES.getlist("attachments")
    assert request.POST["body"] == "Logs attached"
    assert (huge.name, huge.size, huge.read()) == ("huge.log", 5000, b"")
    assert (small.name, small.read()) == ("small.log", b"line 1\n")
    # Only the small file's temporary file is on disk; the huge one's was deleted.
    assert [path.stat().st_size for path in tmp_path.iterdir()] == [7]
    with pytest.raises(UploadRejected, match=r"huge\.log is larger than 1000 bytes") as refused:
        check_upload(huge)
    assert refused.value.status_code == 413
