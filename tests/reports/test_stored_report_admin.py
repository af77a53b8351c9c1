"""The stored reports in the admin: listed with their SHA-256, never added, changed or
deleted there."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client

from supportdesk.reports.models import StoredReport
from tests.tickets.conftest import MOSCOW, Desk


@pytest.mark.django_db
def test_the_admin_lists_stored_reports_read_only(desk: Desk):
    stored = StoredReport.objects.create(
        contract=desk.alfa_contract, period_start=date(2026, 11, 1), format="pdf",
        language="ru", file=ContentFile(b"%PDF-1.7 test", name="a.pdf"), sha256="ab" * 32,
        size=13, generated_at=datetime(2026, 12, 1, 9, 30, tzinfo=MOSCOW),
    )  # fmt: skip
    client = Client()
    client.force_login(User.objects.create_superuser("root", "root@vendor.example", "x"))

    listing = client.get("/admin/reports/storedreport/")
    assert listing.status_code == 200
    assert stored.sha256 in listing.content.decode()
    assert client.get("/admin/reports/storedreport/add/").status_code == 403
    assert client.post(f"/admin/reports/storedreport/{stored.pk}/delete/").status_code == 403
    assert StoredReport.objects.filter(pk=stored.pk).exists()
