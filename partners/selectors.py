"""Read models about agreements: the one place the countdown and successor state are computed."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Agreement, AgreementParty, Partner


@dataclass(frozen=True)
class AgreementStatus:
    today: date
    agreement: Agreement | None
    days_left: int | None
    has_ended: bool
    successor: Agreement | None
    parties: list[AgreementParty] = field(default_factory=list)

    @property
    def countdown_text(self) -> str:
        """ "nog 33 dagen", "vandaag is de laatste dag", or "afgelopen op 31 december 2026"."""
        if self.agreement is None or self.days_left is None:
            return _("No agreement recorded")
        if self.has_ended:
            return _("ended on %(date)s") % {"date": _long_date(self.agreement.ends_on)}
        if self.days_left == 0:
            return _("today is the last day")
        return ngettext("%(days)d day left", "%(days)d days left", self.days_left) % {"days": self.days_left}


def _long_date(day: date) -> str:
    from django.utils.formats import date_format

    return date_format(day, "j F Y")


def agreement_status(*, on: date | None = None) -> AgreementStatus:
    """The agreement in force on `on` (or the last one that ended), its days left, its successor and its parties.

    Two queries: every agreement (a handful, one per term), then the parties of the one in force."""
    today = on or timezone.localdate()
    agreements = list(Agreement.objects.order_by("starts_on", "id"))
    holding = [a for a in agreements if a.starts_on <= today <= a.ends_on]
    ended = sorted((a for a in agreements if a.ends_on < today), key=lambda a: a.ends_on)
    # As Agreement.current: the latest start among those holding today; else the last one that ended.
    agreement = max(holding, key=lambda a: a.starts_on) if holding else (ended[-1] if ended else None)
    if agreement is None:
        return AgreementStatus(today=today, agreement=None, days_left=None, has_ended=False, successor=None)
    parties = list(agreement.party_links.select_related("partner").order_by("partner__name"))
    later = [a for a in agreements if a.starts_on > agreement.starts_on]  # as Agreement.successor
    return AgreementStatus(
        today=today,
        agreement=agreement,
        days_left=agreement.days_left(today),
        has_ended=agreement.has_ended(today),
        successor=later[0] if later else None,
        parties=parties,
    )


def partners_by_name(ids: set[int], known: list[Partner]) -> list[Partner]:
    """The partners with these ids, by name: picked from `known` (partners in name order, e.g. an agreement's
    parties) when it holds them all, else read (one query)."""
    if ids <= {partner.pk for partner in known}:
        return [partner for partner in known if partner.pk in ids]
    return list(Partner.objects.filter(pk__in=ids).order_by("name"))
