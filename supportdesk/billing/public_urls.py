from django.urls import path

from supportdesk.billing import views

app_name = "price-public"
urlpatterns = [path("", views.public_calculator, name="calculator")]
