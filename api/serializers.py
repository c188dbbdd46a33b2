"""The shapes of the API's resources: what a system reads and sends. Rules live in the services, not here."""

from rest_framework import serializers

from actionlines.models import ActionLine, Activity, Pledge
from contributions.models import Contribution, Evidence, Kind, ReportingPeriod, Status
from partners.models import Agreement, Helix, Partner
from reports.models import Report


class EvidenceSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "name", "content_type", "size", "uploaded_at"]
        read_only_fields = fields


class ContributionSerializer(serializers.ModelSerializer):
    action_line = serializers.SlugRelatedField(slug_field="code", read_only=True)
    period = serializers.SlugRelatedField(slug_field="name", read_only=True)
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Contribution
        fields = [
            "id",
            "partner",
            "action_line",
            "activity",
            "period",
            "kind",
            "date",
            "description",
            "hours",
            "hourly_rate",
            "amount",
            "value",
            "funder",
            "budget_code",
            "status",
            "review_comment",
            "version",
            "created_at",
            "updated_at",
            "evidence",
        ]
        read_only_fields = fields


class ContributionWriteSerializer(serializers.Serializer):
    """A draft as a system sends it: the fields of the form. Hours × rate or an amount, as the kind says."""

    action_line = serializers.SlugRelatedField(slug_field="code", queryset=ActionLine.objects.all())
    activity = serializers.PrimaryKeyRelatedField(queryset=Activity.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Kind.choices)
    date = serializers.DateField()
    description = serializers.CharField(max_length=2000)
    hours = serializers.DecimalField(max_digits=7, decimal_places=2, required=False, allow_null=True)
    amount = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    funder = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    budget_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ContributionChangeSerializer(ContributionWriteSerializer):
    """A change to a draft: any of the fields; `version` (as read) refuses a stale change with 409."""

    version = serializers.IntegerField(min_value=1, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, partial=True, **kwargs)


class ContributionFilterSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)
    actionLine = serializers.SlugField(max_length=40, required=False)  # noqa: N815 - ADR: camelCase query keys
    period = serializers.IntegerField(min_value=1, required=False)
    partner = serializers.IntegerField(min_value=1, required=False)
    dateFrom = serializers.DateField(required=False)  # noqa: N815
    dateTo = serializers.DateField(required=False)  # noqa: N815


class PeriodSubmissionSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())


class PeriodSubmissionResultSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    submitted = serializers.IntegerField()
    contributions = serializers.ListField(child=serializers.IntegerField())


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(max_length=255, allow_empty_file=True)


class ReportingPeriodSerializer(serializers.ModelSerializer):
    is_closed = serializers.BooleanField(read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = ["id", "name", "starts_on", "ends_on", "deadline", "is_closed"]


class ActionLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ActionLine
        fields = ["id", "code", "name_nl", "name_en", "goal_nl", "goal_en"]


class PartnerSerializer(serializers.ModelSerializer):
    helix = serializers.ChoiceField(choices=Helix.choices)

    class Meta:
        model = Partner
        fields = ["id", "name", "short_name", "slug", "helix"]


class AgreementSerializer(serializers.ModelSerializer):
    parties = serializers.SerializerMethodField()

    class Meta:
        model = Agreement
        fields = ["id", "title", "signed_on", "starts_on", "ends_on", "parties"]

    def get_parties(self, agreement: Agreement) -> list[int]:
        return [link.partner_id for link in agreement.party_links.all()]


class PledgeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Pledge
        fields = ["partner", "hours", "in_kind_value", "money"]


class ActivitySerializer(serializers.ModelSerializer):
    action_line = serializers.SlugRelatedField(slug_field="code", read_only=True)
    year = serializers.IntegerField(source="plan.year", read_only=True)
    pledges = PledgeSerializer(many=True, read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "year",
            "action_line",
            "title",
            "description",
            "lead_partner",
            "starts_on",
            "ends_on",
            "pledges",
        ]


class ReportSerializer(serializers.ModelSerializer):
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "period_key",
            "period_label",
            "starts_on",
            "ends_on",
            "language",
            "version",
            "issued_at",
            "pdf_sha256",
            "pdf_size",
            "pdf",
        ]

    def get_pdf(self, report: Report) -> str:
        return f"/api/v1/reports/{report.pk}/pdf"


class FiguresSerializer(serializers.Serializer):
    hours = serializers.DecimalField(max_digits=16, decimal_places=2)
    in_kind_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    funded = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    count = serializers.IntegerField()


class FigureRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    approved = FiguresSerializer()
    in_review = FiguresSerializer(required=False)


class ProgrammeFiguresSerializer(serializers.Serializer):
    period = serializers.CharField()
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    approved = FiguresSerializer()
    in_review = FiguresSerializer()
    action_lines = FigureRowSerializer(many=True)
    partners = FigureRowSerializer(many=True)
    helices = FigureRowSerializer(many=True)


class OpenDataRowSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="The report's period: 2026-K3 (a quarter), 2026 (a year).")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    dimension = serializers.ChoiceField(choices=["action_line", "helix"])
    code = serializers.CharField()
    name = serializers.CharField()
    hours = serializers.DecimalField(max_digits=16, decimal_places=2)
    in_kind_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    funded = serializers.DecimalField(max_digits=16, decimal_places=2)
    total_value = serializers.DecimalField(max_digits=16, decimal_places=2)
    report = serializers.IntegerField()
    report_version = serializers.IntegerField()


class OpenDataSerializer(serializers.Serializer):
    title = serializers.CharField()
    licence = serializers.CharField()
    licence_url = serializers.URLField()
    fields = serializers.DictField(child=serializers.CharField())
    rows = OpenDataRowSerializer(many=True)
