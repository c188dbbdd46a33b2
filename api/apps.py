from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from api import schema  # noqa: F401 - registers the token's OpenAPI security scheme


# DRF's catalogue, an installed app's, takes precedence over Django's own; these of its Dutch strings differ
# from the wording of Django's that the app's forms show ("Dit veld is verplicht."). Marked here so our own
# catalogue (LOCALE_PATHS, read first) keeps Django's wording for them.
DJANGO_WORDING = (
    gettext_noop("This field is required."),
    gettext_noop("No file was submitted."),
    gettext_noop("Upload a valid image. The file you uploaded was either not an image or a corrupted image."),
    gettext_noop("Value must be valid JSON."),
)
