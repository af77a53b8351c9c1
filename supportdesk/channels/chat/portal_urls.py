from django.urls import path

from supportdesk.channels.chat import views

app_name = "chat-portal"
urlpatterns = [
    path("", views.portal_start, name="start"),
    path("<int:chat_id>/", views.portal_chat, name="chat"),
    path("<int:chat_id>/post", views.portal_post, name="post"),
    path("<int:chat_id>/stream", views.portal_stream, name="stream"),
    path("<int:chat_id>/close", views.portal_close, name="close"),
]
