from django.urls import path

from supportdesk.portal import analytics, development, entitlements, reports, users, views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new_request, name="new"),
    path("contract/", views.contract, name="contract"),
    path("entitlements/", entitlements.entitlements, name="entitlements"),
    path("users/", users.users, name="users"),
    path("users/<int:contact_id>/deactivate/", users.deactivate, name="user-deactivate"),
    path("invitation/<str:token>/", users.invitation, name="invitation"),
    path("features/", development.features, name="features"),
    path("features/new/", development.feature_new, name="feature-new"),
    path("features/<int:feature_id>/vote/", development.vote, name="feature-vote"),
    path("publications/", development.publications, name="publications"),
    path("publications/<int:task_id>/done/", development.publication_done, name="publication-done"),
    path("analytics/", analytics.analytics_page, name="analytics"),
    path("analytics/<str:table>.csv", analytics.analytics_export, name="analytics-export"),
    path("reports/", reports.report_list, name="reports"),
    path("reports/<str:number>/<str:month>/", reports.report_page, name="report"),
    path("reports/<str:number>/<str:month>/pdf", reports.report_pdf, name="report-pdf"),
    path("reports/<str:number>/<str:month>/xlsx", reports.report_xlsx, name="report-xlsx"),
    path("requests/<int:request_id>/", views.request_detail, name="request"),
    path("requests/<int:request_id>/reply/", views.reply, name="reply"),
    path("requests/<int:request_id>/confirm/", views.confirm, name="confirm"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("requests/<int:request_id>/reopen/", views.reopen, name="reopen"),
    path(
        "requests/<int:request_id>/downgrade/<int:proposal_id>/",
        views.downgrade,
        name="downgrade",
    ),
]
