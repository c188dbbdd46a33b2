from django.urls import path

from contributions import views

app_name = "contributions"
urlpatterns = [
    path("", views.contribution_list_view, name="list"),
    path("nieuw/", views.contribution_create, name="create"),
    path("<int:pk>/", views.contribution_detail, name="detail"),
    path("<int:pk>/wijzigen/", views.contribution_edit, name="edit"),
    path("<int:pk>/verwijderen/", views.contribution_delete, name="delete"),
    path("<int:pk>/bewijs/", views.evidence_add, name="evidence_add"),
    path("<int:pk>/goedkeuren/", views.contribution_approve, name="approve"),
    path("<int:pk>/terugsturen/", views.contribution_return, name="return"),
    path("<int:pk>/heropenen/", views.contribution_reopen, name="reopen"),
    path("bewijs/<int:pk>/", views.evidence_download, name="evidence"),
    path("bewijs/<int:pk>/verwijderen/", views.evidence_delete, name="evidence_delete"),
    path("periodes/", views.period_list, name="periods"),
    path("periodes/<int:pk>/", views.period_detail, name="period"),
    path("periodes/<int:pk>/indienen/", views.period_submit, name="period_submit"),
    path("periodes/<int:pk>/sluiten/", views.period_close, name="period_close"),
    path("beoordelen/", views.queue, name="queue"),
]
urlpatterns += [
    path("importeren/", views.contribution_import, name="import"),
    path("importeren/<int:pk>/", views.import_job, name="import_job"),
    path("importeren/<int:pk>/voortgang/", views.import_job_progress, name="import_job_progress"),
    path("importeren/sjabloon.<str:fmt>", views.import_template, name="import_template"),
    path("exporteren/", views.contribution_export, name="export"),
]
