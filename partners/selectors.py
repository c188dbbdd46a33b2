"""Read models about agreements: the one place the countdown and successor state are computed."""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.models import Agreement, AgreementParty


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
    """The agreement in force on `on` (or the last one that ended), its days left and its successor."""
    today = on or timezone.localdate()
    agreement = Agreement.current(today)
    if agreement is None:
        agreement = Agreement.objects.filter(ends_on__lt=today).order_by("-ends_on").first()
    if agreement is None:
        return AgreementStatus(today=today, agreement=None, days_left=None, has_ended=False, successor=None)
    parties = list(agreement.party_links.select_related("partner").order_by("partner__name"))
    return AgreementStatus(
        today=today,
        agreement=agreement,
        days_left=agreement.days_left(today),
        has_ended=agreement.has_ended(today),
        successor=agreement.successor(),
        parties=parties,
    )
