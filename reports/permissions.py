"""Who may see and do what with reports. Not visible → 404; visible but not allowed → 403.

Director and office make and issue reports; steering group members read drafts too; everyone else who
signs in (representatives, leads, observers) sees issued reports only. Observers see nothing but those.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from partners.models import Role
from partners.permissions import AnyUser, can_see_programme, has_role, is_programme_staff, partners_for
from reports.models import PartnerStatement, Report, ReportExport


def can_manage_reports(user: AnyUser) -> bool:
    return is_programme_staff(user)


def can_read_draft_reports(user: AnyUser) -> bool:
    return is_programme_staff(user) or has_role(user, Role.STEERING)


def can_see_reports(user: AnyUser) -> bool:
    return can_see_programme(user) or has_role(user, Role.OBSERVER)


def can_see_dashboard(user: AnyUser) -> bool:
    """Every signed-in role except observers (they read issued reports only)."""
    return can_see_programme(user)


def reports_visible_to(user: AnyUser) -> QuerySet[Report]:
    if can_read_draft_reports(user):
        return Report.objects.all()
    if can_see_reports(user):
        return Report.objects.issued()
    return Report.objects.none()


def report_for_user(user: AnyUser, pk: int) -> Report:
    return get_object_or_404(reports_visible_to(user).select_related("issued_by", "created_by"), pk=pk)


def can_export(user: AnyUser, report: Report) -> bool:
    return is_programme_staff(user) or report.is_issued


def export_for_user(user: AnyUser, pk: int) -> ReportExport:
    export = get_object_or_404(
        ReportExport.objects.select_related("report").filter(report__in=reports_visible_to(user)), pk=pk
    )
    if not can_export(user, export.report):
        raise Http404
    return export


def statements_visible_to(user: AnyUser) -> QuerySet[PartnerStatement]:
    """Programme staff and steering see every statement; a representative those of their own partner(s)."""
    qs = PartnerStatement.objects.select_related("partner", "confirmed_by")
    if can_read_draft_reports(user):
        return qs
    if has_role(user, Role.REPRESENTATIVE):
        return qs.filter(partner__in=partners_for(user))
    return qs.none()


def statement_for_user(user: AnyUser, pk: int) -> PartnerStatement:
    return get_object_or_404(statements_visible_to(user), pk=pk)
