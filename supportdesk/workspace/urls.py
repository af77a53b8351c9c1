from django.urls import path

from supportdesk.workspace import analytics, calls, inbound_mail, mail, reports, views, whatif

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
    path("rows", views.rows, name="rows"),
    path("new/", views.new_request, name="new"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/<str:action>/", views.request_action, name="action"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("dashboard/", analytics.dashboard, name="dashboard"),
    path("analytics/", analytics.analytics_page, name="analytics"),
    path("analytics/<str:table>.csv", analytics.analytics_export, name="analytics-export"),
    path("me/notifications/", mail.preferences, name="preferences"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<str:number>/<str:month>/", reports.report_page, name="report"),
    path("reports/<str:number>/<str:month>/pdf", reports.report_pdf, name="report-pdf"),
    path("reports/<str:number>/<str:month>/xlsx", reports.report_xlsx, name="report-xlsx"),
    path("outbox/", mail.outbox, name="outbox"),
    path("outbox/retry/", mail.outbox_retry, name="outbox-retry"),
    path("what-if/", whatif.what_if_page, name="what-if"),
    path("mail/", inbound_mail.quarantine, name="quarantine"),
    path("mail/<int:mail_id>/", inbound_mail.mail_page, name="mail"),
    path("mail/<int:mail_id>/raw", inbound_mail.raw_download, name="mail-raw"),
    path("mail/<int:mail_id>/parts/<int:index>", inbound_mail.part_download, name="mail-part"),
    path("mail/<int:mail_id>/release", inbound_mail.release, name="mail-release"),
    path("mail/<int:mail_id>/discard", inbound_mail.discard, name="mail-discard"),
    path("calls/", calls.calls_page, name="calls"),
    path("calls/incoming", calls.incoming, name="calls-incoming"),
    path("calls/<int:call_id>/register", calls.register, name="call-register"),
    path("calls/<int:call_id>/link", calls.link, name="call-link"),
    path("calls/<int:call_id>/called-back", calls.called_back, name="call-back"),
    path("alerts/<int:group_id>/resolve", calls.resolve_alert, name="alert-resolve"),
]
