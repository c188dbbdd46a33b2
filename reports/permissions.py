"""Who may see and do what with reports. Not visible → 404; visible but not allowed → 403.

Director and office make and issue reports; steering group members read drafts too; everyone else who
signs in (representatives, leads, observers) sees issued reports only. Observers see nothing but those.
What a reader may export of a report follows what they may read in the app (`export_audience`).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from contributions.permissions import own_partner_ids, sees_all_partners
from partners.models import Role
from partners.permissions import AnyUser, can_see_programme, has_role, is_programme_staff, partners_for
from reports.models import AUDIENCE_ALL, AUDIENCE_FIGURES, PartnerStatement, Report, ReportExport


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
    return get_object_or_404(reports_visible_to(user).select_related("issued_by", "created_by", "agreement"), pk=pk)


def can_export(user: AnyUser, report: Report) -> bool:
    return is_programme_staff(user) or report.is_issued


@dataclass(frozen=True)
class ExportAudience:
    """What of a report a reader may take away as XLSX: its tables, and the contribution lines it counted of
    `partner_ids` (all partners when None; none when `lines` is False). `key` names the audience's export."""

    key: str
    lines: bool
    partner_ids: tuple[int, ...] | None = None

    @classmethod
    def everything(cls) -> "ExportAudience":
        return cls(key=AUDIENCE_ALL, lines=True)

    @classmethod
    def figures(cls) -> "ExportAudience":
        return cls(key=AUDIENCE_FIGURES, lines=False, partner_ids=())

    @classmethod
    def partners(cls, ids: Iterable[int]) -> "ExportAudience":
        own = tuple(sorted(set(ids)))
        return cls(key="partners-" + "-".join(map(str, own)), lines=True, partner_ids=own)

    @classmethod
    def from_key(cls, key: str) -> "ExportAudience":
        """The audience an export was made for, from its stored key."""
        if key == AUDIENCE_ALL:
            return cls.everything()
        if key == AUDIENCE_FIGURES:
            return cls.figures()
        return cls.partners(int(pk) for pk in key.removeprefix("partners-").split("-"))


def export_audience(user: AnyUser, report: Report) -> ExportAudience | None:
    """The export `user` gets of `report`, following what they may read in the app; None when they may not export.

    - every partner's lines: programme staff, and the steering group and leads, who read every partner's
      submitted and approved contributions (contributions.permissions.sees_all_partners);
    - the lines of their own partner(s): a representative;
    - the report's tables only: observers, and anyone else who reads issued reports but no contributions.
    """
    if not can_export(user, report):
        return None
    if sees_all_partners(user):
        return ExportAudience.everything()
    own = own_partner_ids(user)
    return ExportAudience.partners(own) if own else ExportAudience.figures()


def exports_of(user: AnyUser, report: Report) -> QuerySet[ReportExport]:
    """The exports of `report` made for `user`'s audience (none when they may not export it)."""
    audience = export_audience(user, report)
    if audience is None:
        return ReportExport.objects.none()
    return report.exports.filter(audience=audience.key)


def export_for_user(user: AnyUser, pk: int) -> ReportExport:
    """An export of a report the user sees, made for the user's own audience; any other export answers 404
    (an observer cannot fetch the programme staff's workbook by its number)."""
    export = get_object_or_404(
        ReportExport.objects.select_related("report").filter(report__in=reports_visible_to(user)), pk=pk
    )
    audience = export_audience(user, export.report)
    if audience is None or export.audience != audience.key:
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
