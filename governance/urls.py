from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("besluiten/", views.decision_list, name="decisions"),
    path("<int:pk>/", views.meeting_detail, name="meeting"),
    path("<int:pk>/wijzigen/", views.meeting_edit, name="meeting_edit"),
    path("<int:pk>/agendapunt/", views.agenda_item_add, name="agenda_item_add"),
    path("<int:pk>/document/", views.document_add, name="document_add"),
    path("<int:pk>/opmerking/", views.comment_add, name="comment_add"),
    path("<int:pk>/notulen/", views.minutes_save, name="minutes_save"),
    path("<int:pk>/notulen/vaststellen/", views.minutes_confirm, name="minutes_confirm"),
    path("<int:pk>/besluit/", views.decision_add, name="decision_add"),
    path("documenten/<int:pk>/", views.document_download, name="document"),
    path("risicos/", views.risk_list, name="risks"),
    path("risicos/<int:pk>/", views.risk_detail, name="risk"),
    path("risicos/<int:pk>/beoordelen/", views.risk_review, name="risk_review"),
    path("risicos/<int:pk>/maatregel/", views.measure_add, name="measure_add"),
    path("risicos/maatregelen/<int:pk>/gedaan/", views.measure_done, name="measure_done"),
    path("begroting/", views.budget, name="budget"),
    path("begroting/regel/", views.budget_line_set, name="budget_line_set"),
    path("begroting/uitgave/", views.spending_add, name="spending_add"),
]
