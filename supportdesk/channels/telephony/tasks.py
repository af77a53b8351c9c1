"""The recording job: a call's recording copied from the provider into the product's
storage, so it outlives the provider's retention. Retried by the queue on failure."""

from __future__ import annotations

import urllib.request
from pathlib import PurePosixPath
from urllib.parse import urlparse

from django.core.files.base import ContentFile
from huey.contrib.djhuey import db_task

from supportdesk.channels.telephony.models import Call

MAX_BYTES = 200 * 1024 * 1024
TIMEOUT = 60


def copy(call_id: int) -> bool:
    """Copy the call's recording if it is not copied yet; True when it is stored now."""
    call = Call.objects.get(pk=call_id)
    if call.recording or not call.recording_url:
        return bool(call.recording)
    url = call.recording_url
    if urlparse(url).scheme not in ("http", "https"):
        Call.objects.filter(pk=call_id).update(recording_error="not an http(s) URL")
        return False
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:  # noqa: S310 (checked above)
        data = response.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        Call.objects.filter(pk=call_id).update(recording_error="larger than 200 MB")
        return False
    suffix = PurePosixPath(urlparse(url).path).suffix[:8] or ".mp3"
    call.recording.save(f"call-{call.pk}{suffix}", ContentFile(data), save=False)
    Call.objects.filter(pk=call_id, recording="").update(
        recording=call.recording.name, recording_error=""
    )
    return True


@db_task(retries=5, retry_delay=60)
def copy_recording(call_id: int) -> bool:
    return copy(call_id)
