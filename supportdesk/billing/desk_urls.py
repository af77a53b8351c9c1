from django.urls import path

from supportdesk.billing import quote_pages, views

app_name = "price-desk"
urlpatterns = [
    path("", views.desk_calculator, name="calculator"),
    path("quotes/", quote_pages.quote_list, name="quotes"),
    path("quotes/new/", quote_pages.quote_new, name="quote-new"),
    path("quotes/<int:quote_id>/", quote_pages.quote_page, name="quote"),
    path("quotes/<int:quote_id>/edit/", quote_pages.quote_edit, name="quote-edit"),
    path("quotes/<int:quote_id>/pdf", quote_pages.quote_pdf, name="quote-pdf"),
    path("quotes/<int:quote_id>/xlsx", quote_pages.quote_xlsx, name="quote-xlsx"),
    path("quotes/<int:quote_id>/<str:action>/", quote_pages.quote_action, name="quote-action"),
]
