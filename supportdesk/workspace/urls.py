from django.urls import path

from supportdesk.workspace import mail, views

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
    path("rows", views.rows, name="rows"),
    path("new/", views.new_request, name="new"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/<str:action>/", views.request_action, name="action"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("me/notifications/", mail.preferences, name="preferences"),
    path("outbox/", mail.outbox, name="outbox"),
    path("outbox/retry/", mail.outbox_retry, name="outbox-retry"),
]
