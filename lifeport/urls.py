from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts import views as account_views
from accounts.forms import SignInForm
from api.urls import office_urlpatterns
from lifeport import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("ping", views.ping, name="ping"),
    path("systeemstatus/", views.health_detail, name="health"),
    path("i18n/setlang/", views.set_language, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=SignInForm),
        name="login",
    ),
    # Django's password change, throttled like the sign-in (accounts.views); every password change is
    # recorded by audit.receivers.
    path("accounts/password_change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("audit/", include("audit.urls")),
    path("partners/", include("partners.urls")),
    path("actielijnen/", include("actionlines.urls")),
    path("rapportages/", include("reports.urls")),
    path("bijdragen/", include("contributions.urls")),
    path("herinneringen/", include("reminders.urls")),
    path("api/", include("api.urls")),
    path("api-sleutels/", include((office_urlpatterns, "api_tokens"))),
    path("regiegroep/", include("governance.urls")),
    # One sign-in page for everyone (throttled, two-factor): the admin's own login form is not used.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True), name="admin_login"),
    path("admin/", admin.site.urls),
]
