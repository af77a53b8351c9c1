from django.urls import path

from supportdesk.workspace import views

app_name = "workspace"
urlpatterns = [path("", views.index, name="index")]
