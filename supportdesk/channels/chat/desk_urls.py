from django.urls import path

from supportdesk.channels.chat import views

app_name = "chat-desk"
urlpatterns = [
    path("", views.desk_queue, name="queue"),
    path("<int:chat_id>/", views.desk_chat, name="chat"),
    path("<int:chat_id>/take", views.desk_take, name="take"),
    path("<int:chat_id>/post", views.desk_post, name="post"),
    path("<int:chat_id>/stream", views.desk_stream, name="stream"),
    path("<int:chat_id>/close", views.desk_close, name="close"),
]
