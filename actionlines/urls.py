from django.urls import path

from actionlines import views

app_name = "actionlines"
urlpatterns = [
    path("", views.action_line_list, name="list"),
    path("overzicht/", views.overview, name="overview"),
    # The annual plan (before "<slug:code>/", which would otherwise take "jaarplan").
    path("jaarplan/", views.plan_list, name="plans"),
    path("jaarplan/vergelijken/", views.plan_compare_view, name="plan_compare"),
    path("jaarplan/<int:pk>/", views.plan_detail, name="plan"),
    path("jaarplan/<int:pk>/inleiding/", views.plan_edit, name="plan_edit"),
    path("jaarplan/<int:pk>/ter-beoordeling/", views.plan_send_for_review, name="plan_review"),
    path("jaarplan/<int:pk>/terug-naar-concept/", views.plan_back_to_draft, name="plan_back_to_draft"),
    path("jaarplan/<int:pk>/vaststellen/", views.plan_adopt, name="plan_adopt"),
    path("jaarplan/<int:pk>/nieuwe-versie/", views.plan_new_version, name="plan_new_version"),
    path("jaarplan/<int:pk>/volgend-jaar/", views.plan_next_year, name="plan_next_year"),
    path("jaarplan/<int:pk>/realisatie/", views.plan_realisation_view, name="plan_realisation"),
    path("jaarplan/<int:pk>/jaarplan.pdf", views.plan_pdf, name="plan_pdf"),
    path("jaarplan/<int:pk>/pdf-maken/", views.plan_pdf_generate, name="plan_pdf_generate"),
    path("jaarplan/<int:pk>/pdf-status/", views.plan_pdf_status, name="plan_pdf_status"),
    path("jaarplan/<int:pk>/jaarplan.xlsx", views.plan_xlsx, name="plan_xlsx"),
    path("jaarplan/<int:pk>/<slug:code>/activiteit/", views.activity_create, name="activity_create"),
    path("jaarplan/<int:pk>/<slug:code>/indicator/", views.indicator_create, name="indicator_create"),
    path("activiteiten/<int:pk>/wijzigen/", views.activity_edit, name="activity_edit"),
    path("activiteiten/<int:pk>/verwijderen/", views.activity_delete, name="activity_delete"),
    path("activiteiten/<int:pk>/toezegging/", views.pledge_create, name="pledge_create"),
    path("activiteiten/<int:pk>/mijlpaal/", views.milestone_create, name="milestone_create"),
    path("activiteiten/<int:pk>/opmerking/", views.comment_create, name="comment_create"),
    path("toezeggingen/<int:pk>/wijzigen/", views.pledge_edit, name="pledge_edit"),
    path("toezeggingen/<int:pk>/verwijderen/", views.pledge_delete, name="pledge_delete"),
    path("mijlpalen/<int:pk>/wijzigen/", views.milestone_edit, name="milestone_edit"),
    path("mijlpalen/<int:pk>/verwijderen/", views.milestone_delete, name="milestone_delete"),
    path("mijlpalen/<int:pk>/voortgang/", views.milestone_progress, name="milestone_progress"),
    path("indicatoren/<int:pk>/wijzigen/", views.indicator_edit, name="indicator_edit"),
    path("indicatoren/<int:pk>/verwijderen/", views.indicator_delete, name="indicator_delete"),
    path("indicatoren/<int:pk>/meting/", views.indicator_actual, name="indicator_actual"),
    path("indicatoren/<int:pk>/kwartaaldoelen/", views.indicator_targets, name="indicator_targets"),
    path("opmerkingen/<int:pk>/afhandelen/", views.comment_resolve, name="comment_resolve"),
    path("<slug:code>/", views.action_line_detail, name="detail"),
    path("<slug:code>/doelen/<int:year>/", views.target_edit, name="target_edit"),
]
