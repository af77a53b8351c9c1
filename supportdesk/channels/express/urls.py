from django.urls import path

from supportdesk.channels.express import views

urlpatterns = [
    path("command", views.command, name="botx-command"),
    path("status", views.status, name="botx-status"),
    path("notification/callback", views.callback, name="botx-callback"),
]
