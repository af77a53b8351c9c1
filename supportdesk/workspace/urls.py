from django.urls import path

from supportdesk.workspace import views

app_name = "workspace"
urlpatterns = [
    path("", views.index, name="index"),
    path("rows", views.rows, name="rows"),
    path("new/", views.new_request, name="new"),
    path("requests/<int:request_id>/", views.request_page, name="request"),
    path("requests/<int:request_id>/<str:action>/", views.request_action, name="action"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
]
