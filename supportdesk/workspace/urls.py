from django.urls import path

from supportdesk.workspace import (
    analytics,
    development,
    inbound_mail,
    mail,
    reports,
    views,
    whatif,
)

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
    path("rows", views.rows, name="rows"),
    path("new/", views.new_request, name="new"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path(
        "requests/<int:request_id>/development/<str:action>/",
        development.bug_action,
        name="bug-action",
    ),
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
    path("development/", development.items_page, name="development"),
    path("features/", development.features_page, name="features"),
    path("features/new/", development.feature_new, name="feature-new"),
    path(
        "features/<int:feature_id>/<str:action>/",
        development.feature_action,
        name="feature-action",
    ),
    path("releases/", development.releases_page, name="releases"),
    path("releases/new/", development.release_new, name="release-new"),
    path("publications/<int:task_id>/done/", development.task_done, name="task-done"),
    path("mail/", inbound_mail.quarantine, name="quarantine"),
    path("mail/<int:mail_id>/", inbound_mail.mail_page, name="mail"),
    path("mail/<int:mail_id>/raw", inbound_mail.raw_download, name="mail-raw"),
    path("mail/<int:mail_id>/parts/<int:index>", inbound_mail.part_download, name="mail-part"),
    path("mail/<int:mail_id>/release", inbound_mail.release, name="mail-release"),
    path("mail/<int:mail_id>/discard", inbound_mail.discard, name="mail-discard"),
]
