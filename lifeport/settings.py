"""Settings for Lifeport Regie: one module, driven by environment variables.

Without DATABASE_URL the app runs on SQLite under var/; without CELERY_BROKER_URL Celery tasks
run eagerly in-process. Production (DEBUG off) requires SECRET_KEY and serves over HTTPS.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lifeport.lib.proxies import proxy_networks

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


def _config_error(message: str) -> SystemExit:
    # One line on stderr and a non-zero exit: start-up stops and names the variable.
    return SystemExit(f"Lifeport Regie configuration error: {message}")


DEBUG = env.bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
# .env.example's placeholder: a copy that was never filled in must not start.
EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-string"  # noqa: S105
if not SECRET_KEY:
    if not DEBUG:
        raise _config_error("SECRET_KEY is not set (required when DEBUG is off).")
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105
elif not DEBUG and (
    len(SECRET_KEY) < 50
    or len(set(SECRET_KEY)) < 5
    or SECRET_KEY == EXAMPLE_SECRET_KEY
    or SECRET_KEY.startswith("django-insecure-")
):
    # Django's own check only warns (security.W009, and only with --deploy); a guessable key signs sessions.
    raise _config_error(
        "SECRET_KEY is too weak (use at least 50 random characters, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "django_htmx",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "lifeport",
    "partners",
    "actionlines",
    "contributions",
    "reports",
    "reminders",
    "accounts",
    "audit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "governance",
]

MIDDLEWARE = [
    # First: forwarded headers from a peer that is not our proxy are removed before anything reads them.
    "lifeport.middleware.forwarded_headers_middleware",
    "django.middleware.security.SecurityMiddleware",
    "api.problems.api_middleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.session_timeout_middleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.two_factor_middleware",
    "lifeport.middleware.language_middleware",
    # Responses to a signed-in user: Cache-Control no-store (after the session and user are known).
    "lifeport.middleware.no_store_middleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "audit.middleware.audit_request_middleware",
    # Last, as django-axes requires: turns a locked-out sign-in into our lock-out page.
    "axes.middleware.AxesMiddleware",
]
if env.bool("LIFEPORT_ZEAL", default=False):
    # In the tests (pyproject.toml sets LIFEPORT_ZEAL): django-zeal watches every page request, and a query
    # repeated per row (an N+1) raises ZealError, failing the test. A development dependency only.
    INSTALLED_APPS.append("zeal")
    MIDDLEWARE.insert(0, "tests.middleware.n_plus_one_guard")
    # The same query three times in one request is an N+1 (twice is a page reading two plans to compare).
    ZEAL_NPLUSONE_THRESHOLD = 3

ROOT_URLCONF = "lifeport.urls"
WSGI_APPLICATION = "lifeport.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lifeport.context_processors.navigation",
            ],
        },
    },
]

# Database: PostgreSQL in production and CI; a SQLite file under var/ when DATABASE_URL is unset.
(BASE_DIR / "var").mkdir(exist_ok=True)
_database_url = env.str("DATABASE_URL", default="")
if _database_url:
    _scheme = _database_url.partition("://")[0] if "://" in _database_url else ""
    if _scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise _config_error("DATABASE_URL is malformed (expected postgres://user@host:5432/name or sqlite:////path).")
    try:
        _db = environ.Env.db_url_config(_database_url)
    except Exception as exc:  # noqa: BLE001 - any parse failure is a configuration error
        raise _config_error(f"DATABASE_URL is malformed ({exc.__class__.__name__}).") from None
    if not _db.get("NAME"):
        raise _config_error("DATABASE_URL names no database (expected postgres://user@host:5432/name).")
else:
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(BASE_DIR / "var" / "lifeport.sqlite3")}
_db.setdefault("ATOMIC_REQUESTS", False)
_db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if _database_url else 0)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # The demo on SQLite: a transaction takes the write lock when it begins (IMMEDIATE), so two approvals at
    # once queue for up to 20 s instead of one failing with "database is locked" when both upgrade a read
    # lock; WAL lets pages be read while one writes.
    _db.setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses to authenticate while a username + address combination is locked out.
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend reading the profile, the roles and the unread reminders with the user (one query).
    "accounts.backends.UserBackend",
    "guardian.backends.ObjectPermissionBackend",
]
ANONYMOUS_USER_NAME = "AnonymousUser"
GUARDIAN_RAISE_403 = False

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "nl"
# English dates as 2 November 2026 / 02-11-2026, not Django's US order (lifeport/formats/en).
FORMAT_MODULE_PATH = ["lifeport.formats"]
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/utrecht", NODE_MODULES / "@utrecht" / "component-library-css" / "dist"),
    ("vendor/voorbeeld", NODE_MODULES / "@nl-design-system-unstable" / "voorbeeld-design-tokens" / "dist"),
    ("vendor/noto-sans", NODE_MODULES / "@fontsource" / "noto-sans" / "files"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# As deployed, `collectstatic` writes every file under a hashed name (and compressed) to STATIC_ROOT and
# WhiteNoise serves it from there; locally (DEBUG) runserver and the PDFs read the sources.
# Media (evidence, issued PDFs, exports, import files between steps): a folder (MEDIA_ROOT, the default, as
# `make run` uses), or with MEDIA_STORAGE=s3 any S3-compatible object store (django-storages), so that several
# web and worker containers share it. App code reaches media only through the storage API (lifeport/lib/files.py).
MEDIA_STORAGE = env.str("MEDIA_STORAGE", default="filesystem")


def s3_storage(*, bucket: str, access_key: str, secret_key: str, endpoint_url: str = "", region: str = "") -> dict:
    """The STORAGES entry of an S3-compatible bucket (django-storages); the tests use it for their local server."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "access_key": access_key,
            "secret_key": secret_key,
            # Empty: Amazon S3 itself; otherwise the store's URL (MinIO, Ceph, a Dutch cloud's object storage).
            "endpoint_url": endpoint_url or None,
            "region_name": region or None,
            "addressing_style": "path",
            # Private objects; a name taken is never overwritten (a new name is chosen, as on the filesystem).
            "default_acl": None,
            "file_overwrite": False,
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }


if MEDIA_STORAGE == "s3":
    _s3 = {key: env.str(key, default="") for key in ("S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY")}
    if missing := [key for key, value in _s3.items() if not value]:
        raise _config_error(f"MEDIA_STORAGE=s3 needs {', '.join(missing)}.")
    _default_storage = s3_storage(
        bucket=_s3["S3_BUCKET"],
        access_key=_s3["S3_ACCESS_KEY"],
        secret_key=_s3["S3_SECRET_KEY"],
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
    )
elif MEDIA_STORAGE == "filesystem":
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
else:
    raise _config_error(f"MEDIA_STORAGE must be filesystem or s3, not {MEDIA_STORAGE!r}.")
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
# Uploaded evidence and issued reports: outside the static root, served only by permission-checked views.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media-not-served/"
# `make backup` writes dated folders here (database dump + media); see lifeport/backups.py.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "var" / "backups")))
# An ASCII-armoured OpenPGP public key (a file): every backup is then one GPG-encrypted archive, readable only
# with its private key, which stays off the server. Retention: the newest backup of each of the last 14 days
# that have one, and of each of the last 12 months; older ones are deleted after each backup.
BACKUP_GPG_PUBLIC_KEY = env.str("BACKUP_GPG_PUBLIC_KEY", default="")
BACKUP_KEEP_DAILY = env.int("BACKUP_KEEP_DAILY", default=14)
BACKUP_KEEP_MONTHLY = env.int("BACKUP_KEEP_MONTHLY", default=12)
# Off-site: with BACKUP_S3_BUCKET the encrypted archives go to that bucket of the S3 store (S3_ENDPOINT_URL and
# the S3_* credentials; the storage alias "backups") instead of BACKUP_DIR, and the retention is applied there.
BACKUP_S3_BUCKET = env.str("BACKUP_S3_BUCKET", default="")
if BACKUP_S3_BUCKET:
    if not BACKUP_GPG_PUBLIC_KEY:
        raise _config_error("BACKUP_S3_BUCKET needs BACKUP_GPG_PUBLIC_KEY: backups leave the server encrypted only.")
    STORAGES["backups"] = s3_storage(
        bucket=BACKUP_S3_BUCKET,
        access_key=env.str("S3_ACCESS_KEY", default=""),
        secret_key=env.str("S3_SECRET_KEY", default=""),
        endpoint_url=env.str("S3_ENDPOINT_URL", default=""),
        region=env.str("S3_REGION", default=""),
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# E-mail: SMTP from EMAIL_URL in production; the console locally.
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Lifeport Regie <regie@lifeport.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS: on in production unless explicitly turned off (tests and the local demo turn it off).
HTTPS = env.bool("HTTPS", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# The reverse proxies (addresses or CIDR ranges) whose X-Forwarded-For and X-Forwarded-Proto are believed;
# from any other peer those headers are removed (lifeport.middleware.forwarded_headers_middleware), so
# SECURE_PROXY_SSL_HEADER is safe to set always. Empty: no proxy, REMOTE_ADDR is the client.
try:
    TRUSTED_PROXIES = proxy_networks(env.list("TRUSTED_PROXIES", default=[]))
except ValueError as _error:
    raise _config_error(f"TRUSTED_PROXIES holds something that is not an address or CIDR range ({_error}).") from None
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A session ends 8 hours after signing in (absolute) or after 30 minutes without a request (idle), whichever
# comes first: accounts.middleware.session_timeout_middleware.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
# Content-Security-Policy (django-csp 4): no inline script or style anywhere, the admin included
# (Django 5.2's admin keeps its scripts in static files; see docs/security.md).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
    },
}

# Sign-in throttling (django-axes 8): 5 failures lock that username from that address, and 20 failures
# from any addresses lock the account, for 15 minutes (accounts.throttling.AccountAndAddressHandler; the
# order of AXES_LOCKOUT_PARAMETERS is the handler's). A wrong current password in the password change counts.
AXES_FAILURE_LIMIT = 5
ACCOUNT_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "accounts.throttling.AccountAndAddressHandler"
AXES_USERNAME_CALLABLE = "accounts.throttling.attempted_username"
AXES_RESET_ON_SUCCESS = True
# The lock lasts 15 minutes from the fifth failure; attempts during the lock do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_CLIENT_IP_CALLABLE = "lifeport.lib.proxies.client_address"
AXES_VERBOSE = False
# Two-factor sign-in (django-otp): TOTP apps and single-use recovery codes; see accounts/.
OTP_TOTP_ISSUER = "Lifeport Regie"
# The admin never shows a device's key, QR code or recovery codes (and cannot add devices: accounts/admin.py).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Celery: Redis in production and CI; eager in-process tasks when no broker is configured.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=CELERY_BROKER_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 120
CELERY_TASK_TIME_LIMIT = 180
CELERY_WORKER_MAX_MEMORY_PER_CHILD = 600_000  # KiB: WeasyPrint renders are memory-hungry
# The memory one PDF render may add to its worker process; beyond it the render stops and says so.
PDF_RENDER_MEMORY_MB = env.int("PDF_RENDER_MEMORY_MB", default=1536)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The daily reminder job at 08:00 in CELERY_TIMEZONE (Europe/Amsterdam), through daylight-saving changes;
# every hour, the report exports replaced or failed more than a day ago are removed, and so are abandoned
# contribution imports (older than a day) with their files.
CELERY_BEAT_SCHEDULE: dict = {
    "reminders-daily": {"task": "reminders.run_daily", "schedule": crontab(hour=8, minute=0)},
    "reports-clean-up-exports": {"task": "reports.clean_up_exports", "schedule": crontab(minute=17)},
    "contributions-imports-cleanup": {"task": "contributions.tasks.delete_old_imports", "schedule": crontab(minute=23)},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # A failing check is reported by /healthz, the status page and `manage.py health`: no traceback per
        # probe (an unexpected error still logs one).
        "health_check": {"level": "ERROR"},
    },
}

# Form widgets carry the NL Design System classes (templates/django/forms/widgets/).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# The REST API (/api/v1, api/): NL API Design Rules, DRF with drf-spectacular. Tokens only (no session): a
# browser's cookies never authorise a call. Throttles per token and per address (429 with Retry-After); the
# counts live in the default cache (per process without a shared cache).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.authentication.HasToken"],
    "DEFAULT_THROTTLE_CLASSES": ["api.authentication.AddressThrottle", "api.authentication.TokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "api.parsers.BoundedJSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
    "URL_FORMAT_OVERRIDE": None,
    "COERCE_DECIMAL_TO_STRING": True,
}
API_THROTTLE_RATES = {
    "token": env.str("API_THROTTLE_TOKEN", default="1200/min"),
    "address": env.str("API_THROTTLE_ADDRESS", default="2400/min"),
    "open_data": env.str("API_THROTTLE_OPEN_DATA", default="60/min"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Lifeport Regie API",
    "DESCRIPTION": (
        "Bijdragen van partners vanuit hun eigen systemen, programmacijfers en open data (Woo) van de "
        "Lifeport Semicon Regiegroep. Volgt de NL API Design Rules (ADR 2.0). / Contributions from partners' "
        "own systems, programme figures and open data."
    ),
    "VERSION": "1.0.0",
    "CONTACT": {
        "name": "Programmabureau Lifeport Semicon",
        "url": f"{SITE_URL}/api/v1/docs",
        "email": env.str("API_CONTACT_EMAIL", default="regie@lifeport.example"),
    },
    "LICENSE": {"name": "EUPL-1.2", "url": "https://eupl.eu/1.2/nl/"},
    "SERVERS": [{"url": f"{env.str('API_PUBLIC_URL', default='https://regie.lifeport.example')}/api/v1"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SCHEMA_PATH_PREFIX_TRIM": True,
    "SERVE_INCLUDE_SCHEMA": True,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.adr_postprocess"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
