from django.urls import path

from supportdesk.billing import views

app_name = "price-desk"
urlpatterns = [path("", views.desk_calculator, name="calculator")]
