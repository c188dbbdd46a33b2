from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_list, name="list"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/grafiek/<slug:name>.svg", views.dashboard_chart, name="dashboard_chart"),
    path("nieuw/", views.report_create, name="create"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/status/", views.report_status, name="status"),
    path("<int:pk>/pdf-maken/", views.report_generate, name="generate"),
    path("<int:pk>/uitgeven/", views.report_issue, name="issue"),
    path("<int:pk>/nieuwe-versie/", views.report_new_version, name="new_version"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/grafiek/<slug:name>.svg", views.report_chart, name="chart"),
    path("<int:pk>/xlsx/", views.export_create, name="export"),
    path("xlsx/<int:pk>/status/", views.export_status, name="export_status"),
    path("xlsx/<int:pk>/", views.export_download, name="export_download"),
    path("jaaropgaven/", views.statement_list, name="statements"),
    path("jaaropgaven/<int:pk>/", views.statement_detail, name="statement"),
    path("jaaropgaven/<int:pk>/pdf/", views.statement_pdf, name="statement_pdf"),
    path("jaaropgaven/<int:pk>/pdf-maken/", views.statement_generate, name="statement_generate"),
    path("indicatoren/<int:pk>/grafiek.svg", views.indicator_chart, name="indicator_chart"),
]
