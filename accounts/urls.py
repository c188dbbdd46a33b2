from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("tweestapsverificatie/", views.verify, name="verify"),
    path("tweestapsverificatie/instellen/", views.setup, name="setup"),
    path("tweestapsverificatie/herstelcodes/", views.recovery_codes, name="recovery_codes"),
    path("tweestapsverificatie/herstelcodes/nieuw/", views.recovery_codes_new, name="recovery_codes_new"),
    path("beveiliging/", views.security, name="security"),
]
