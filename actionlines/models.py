from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


class ActionLine(models.Model):
    """One of the six action lines of the multi-year plan."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=100, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=100, unique=True)
    goal_nl = models.TextField(_("goal (Dutch)"), blank=True)
    goal_en = models.TextField(_("goal (English)"), blank=True)
    ordering = models.PositiveSmallIntegerField(_("ordering"), default=0)

    class Meta:
        ordering = ["ordering", "code"]
        verbose_name = _("action line")
        verbose_name_plural = _("action lines")
        permissions = [("lead_action_line", _("Leads this action line"))]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("actionlines:detail", args=[self.code])

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "nl").startswith("en") else self.name_nl

    @property
    def goal(self) -> str:
        if (get_language() or "nl").startswith("en"):
            return self.goal_en or self.goal_nl
        return self.goal_nl


class ActionLineUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ActionLine, on_delete=models.CASCADE)


class ActionLineGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ActionLine, on_delete=models.CASCADE)
