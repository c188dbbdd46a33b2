"""The REST resources under /api/v1 (NL API Design Rules): plural kebab-case nouns, no trailing slash, standard
methods. Writes go through contributions/services.py as the token's user, each recorded in the audit trail
with the token's name; POSTs honour an Idempotency-Key. Another partner's objects are not found (404)."""

import hashlib
import json

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from actionlines.models import ActionLine, Activity, PlanStatus
from api import selectors, serializers
from api.authentication import IsStaffToken, OpenDataThrottle
from api.models import ApiToken
from api.problems import Unprocessable
from api.services import IdempotencyConflict, api_write_record, idempotent
from contributions import services as contribution_services
from contributions.models import Contribution, Evidence, ReportingPeriod
from lifeport.lib.files import content_disposition, file_download
from lifeport.lib.spreadsheet import csv_lines
from partners.models import Agreement, Partner
from partners.selectors import agreement_status
from reports.models import Report
from reports.selectors import PeriodError, parse_period

IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Eigen unieke sleutel per request (max. 255 tekens): een herhaalde POST geeft het eerste antwoord.",
)
MAX_IDEMPOTENCY_KEY = 255


class Cursor(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "pageSize"
    ordering = "-id"


def _token(request: Request) -> ApiToken:
    return request.auth


def _contributions_for(token: ApiToken):
    """What a token reads: its partner's contributions (drafts too); a staff token every non-draft."""
    qs = Contribution.objects.select_related("action_line", "period").prefetch_related(
        Prefetch("evidence", queryset=Evidence.objects.order_by("uploaded_at"))
    )
    if token.is_staff_token:
        return qs.not_drafts()
    return qs.filter(partner_id=token.partner_id)


def _as_json(data) -> dict | list:
    return json.loads(JSONRenderer().render(data))


def _request_hash(request: Request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body if request.content_type.startswith("application/json") else b"")
    if request.FILES:
        for name, upload in sorted(request.FILES.items()):
            digest.update(f"{name}:{upload.name}:{upload.size}".encode())
    return digest.hexdigest()


def _once(request: Request, perform) -> Response:
    """Run `perform` at most once per Idempotency-Key of this token; a replay says so in a header."""
    key = request.headers.get("Idempotency-Key", "").strip() or None
    if key is not None and (len(key) > MAX_IDEMPOTENCY_KEY or not key.isprintable()):
        raise Unprocessable("The Idempotency-Key must be 1 to 255 printable characters.")
    try:
        code, body, replayed = idempotent(
            token=_token(request), key=key, request_hash=_request_hash(request), perform=perform
        )
    except IdempotencyConflict:
        raise Unprocessable("This Idempotency-Key was used before with a different request.") from None
    response = Response(body, status=code)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


# --- Contributions -------------------------------------------------------------------------------------


class ContributionList(generics.GenericAPIView):
    serializer_class = serializers.ContributionSerializer
    pagination_class = Cursor

    def get_queryset(self):
        return _contributions_for(_token(self.request))

    @extend_schema(
        operation_id="contributions_list",
        summary="Bijdragen / contributions",
        parameters=[serializers.ContributionFilterSerializer],
    )
    def get(self, request: Request) -> Response:
        filters = serializers.ContributionFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        f = filters.validated_data
        qs = self.get_queryset()
        lookups = {
            "status": f.get("status"),
            "kind": f.get("kind"),
            "action_line__code": f.get("actionLine"),
            "period_id": f.get("period"),
            "date__gte": f.get("dateFrom"),
            "date__lte": f.get("dateTo"),
            "partner_id": f.get("partner") if _token(request).is_staff_token else None,
        }
        qs = qs.filter(**{name: value for name, value in lookups.items() if value is not None})
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(
        operation_id="contributions_create",
        summary="Concept-bijdrage vastleggen / log a draft contribution",
        request=serializers.ContributionWriteSerializer,
        responses={201: serializers.ContributionSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        token = _token(request)
        incoming = serializers.ContributionWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)

        def perform() -> tuple[int, dict]:
            contribution = contribution_services.contribution_create(
                partner=token.partner, acting_user=token.user, **incoming.validated_data
            )
            api_write_record(token=token, operation="contribution_create", target=contribution)
            return status.HTTP_201_CREATED, _as_json(serializers.ContributionSerializer(contribution).data)

        response = _once(request, perform)
        if response.status_code == status.HTTP_201_CREATED:
            response["Location"] = f"/api/v1/contributions/{response.data['id']}"
        return response


class ContributionDetail(APIView):
    def _get(self, request: Request, pk: int) -> Contribution:
        return get_object_or_404(_contributions_for(_token(request)), pk=pk)

    @extend_schema(operation_id="contributions_read", responses=serializers.ContributionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(serializers.ContributionSerializer(self._get(request, pk)).data)

    @extend_schema(
        operation_id="contributions_update",
        request=serializers.ContributionChangeSerializer,
        responses=serializers.ContributionSerializer,
    )
    def patch(self, request: Request, pk: int) -> Response:
        token, contribution = _token(request), self._get(request, pk)
        incoming = serializers.ContributionChangeSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        changes = dict(incoming.validated_data)
        version = changes.pop("version", contribution.version)
        changed = contribution_services.contribution_update(
            contribution=contribution, acting_user=token.user, expected_version=version, **changes
        )
        api_write_record(token=token, operation="contribution_update", target=changed)
        return Response(serializers.ContributionSerializer(self._get(request, pk)).data)

    @extend_schema(operation_id="contributions_delete", responses={204: None})
    def delete(self, request: Request, pk: int) -> Response:
        token, contribution = _token(request), self._get(request, pk)
        label = str(contribution)
        contribution_services.contribution_delete(contribution=contribution, acting_user=token.user)
        api_write_record(
            token=token, operation="contribution_delete", target=None, details={"contribution": pk, "was": label}
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class EvidenceList(APIView):
    @extend_schema(operation_id="evidence_list", responses=serializers.EvidenceSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        contribution = get_object_or_404(_contributions_for(_token(request)), pk=pk)
        return Response(serializers.EvidenceSerializer(contribution.evidence.all(), many=True).data)

    @extend_schema(
        operation_id="evidence_create",
        summary="Bewijsstuk uploaden / upload evidence",
        request={"multipart/form-data": serializers.EvidenceUploadSerializer},
        responses={201: serializers.EvidenceSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request, pk: int) -> Response:
        token = _token(request)
        contribution = get_object_or_404(_contributions_for(token), pk=pk)
        incoming = serializers.EvidenceUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)

        def perform() -> tuple[int, dict]:
            evidence = contribution_services.evidence_add(
                contribution=contribution, acting_user=token.user, upload=incoming.validated_data["file"]
            )
            api_write_record(token=token, operation="evidence_add", target=contribution)
            return status.HTTP_201_CREATED, _as_json(serializers.EvidenceSerializer(evidence).data)

        return _once(request, perform)


class PeriodSubmissionList(APIView):
    @extend_schema(
        operation_id="period_submissions_create",
        summary="Periode indienen / submit a period",
        request=serializers.PeriodSubmissionSerializer,
        responses={201: serializers.PeriodSubmissionResultSerializer},
        parameters=[IDEMPOTENCY_HEADER],
    )
    def post(self, request: Request) -> Response:
        token = _token(request)
        incoming = serializers.PeriodSubmissionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        period = incoming.validated_data["period"]

        def perform() -> tuple[int, dict]:
            items = contribution_services.period_submit(partner=token.partner, period=period, acting_user=token.user)
            api_write_record(token=token, operation="period_submit", target=period, details={"count": len(items)})
            return status.HTTP_201_CREATED, {
                "period": period.pk,
                "submitted": len(items),
                "contributions": sorted(item.pk for item in items),
            }

        return _once(request, perform)


# --- Reads for the programme ---------------------------------------------------------------------------


class ReportingPeriodList(generics.ListAPIView):
    serializer_class = serializers.ReportingPeriodSerializer
    queryset = ReportingPeriod.objects.order_by("starts_on")
    pagination_class = None


class ActionLineList(generics.ListAPIView):
    serializer_class = serializers.ActionLineSerializer
    queryset = ActionLine.objects.all()
    pagination_class = None


class PartnerList(generics.ListAPIView):
    serializer_class = serializers.PartnerSerializer
    queryset = Partner.objects.order_by("name")
    pagination_class = None


class CurrentAgreement(APIView):
    @extend_schema(operation_id="agreements_current", responses=serializers.AgreementSerializer)
    def get(self, request: Request) -> Response:
        agreement = agreement_status().agreement
        if agreement is None:
            raise NotFound("There is no agreement in force.")
        agreement = Agreement.objects.prefetch_related("party_links").get(pk=agreement.pk)
        return Response(serializers.AgreementSerializer(agreement).data)


class ActivityList(generics.ListAPIView):
    """The activities of the adopted annual plans, with each partner's pledge."""

    serializer_class = serializers.ActivitySerializer
    pagination_class = None

    def get_queryset(self):
        qs = (
            Activity.objects.filter(plan__status=PlanStatus.ADOPTED)
            .select_related("plan", "action_line")
            .prefetch_related("pledges")
            .order_by("plan__year", "action_line__ordering", "id")
        )
        year = self.request.query_params.get("year", "")
        if year:
            if not (year.isdigit() and len(year) == 4):
                raise ValidationError({"year": ["Enter a year (2026)."]})
            qs = qs.filter(plan__year=int(year))
        return qs

    @extend_schema(parameters=[OpenApiParameter("year", OpenApiTypes.INT, description="Jaar van het jaarplan")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ReportList(generics.ListAPIView):
    """Issued reports (metadata); the PDF at /reports/{id}/pdf."""

    serializer_class = serializers.ReportSerializer
    queryset = Report.objects.issued().order_by("-starts_on", "period_key", "-version")
    pagination_class = None


class ReportDetail(generics.RetrieveAPIView):
    serializer_class = serializers.ReportSerializer
    queryset = Report.objects.issued()


class ReportPdf(APIView):
    @extend_schema(
        operation_id="reports_pdf", responses={(200, "application/pdf"): OpenApiResponse(response=OpenApiTypes.BINARY)}
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        report = get_object_or_404(Report.objects.issued(), pk=pk)
        return file_download(report.pdf, filename=report.pdf_filename(), content_type="application/pdf")


class ProgrammeFigures(APIView):
    """The programme's figures (approved and in review) per action line, partner and helix, as the dashboard."""

    permission_classes = [IsStaffToken]

    @extend_schema(
        operation_id="figures_read",
        parameters=[
            OpenApiParameter(
                "period", OpenApiTypes.STR, description="2026, 2026-K3, agreement (standaard) of agreement-<id>"
            ),
            OpenApiParameter("lang", OpenApiTypes.STR, enum=["nl", "en"]),
        ],
        responses=serializers.ProgrammeFiguresSerializer,
    )
    def get(self, request: Request) -> Response:
        try:
            period = parse_period(request.query_params.get("period", "agreement")[:40])
        except PeriodError as error:
            raise ValidationError({"period": [str(error)]}) from None
        language = "en" if request.query_params.get("lang") == "en" else "nl"
        with translation.override(language):
            payload = selectors.figures_payload(period=period, language=language)
        return Response(serializers.ProgrammeFiguresSerializer(payload).data)


# --- Open data (Woo): public --------------------------------------------------------------------------


class OpenDataFigures(APIView):
    """The figures as published in issued reports: totals per action line and helix per period. CC0."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]

    @extend_schema(operation_id="open_data_figures", auth=[], responses=serializers.OpenDataSerializer)
    def get(self, request: Request) -> Response:
        payload = {
            "title": "Lifeport Semicon Regiegroep – gepubliceerde programmacijfers",
            "licence": selectors.OPEN_DATA_LICENCE,
            "licence_url": selectors.OPEN_DATA_LICENCE_URL,
            "fields": selectors.OPEN_DATA_FIELDS,
            "rows": [row.__dict__ for row in selectors.open_data_rows()],
        }
        response = Response(serializers.OpenDataSerializer(payload).data)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class OpenDataFiguresCsv(APIView):
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [OpenDataThrottle]

    @extend_schema(
        operation_id="open_data_figures_csv",
        auth=[],
        responses={(200, "text/csv"): OpenApiResponse(response=OpenApiTypes.STR)},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        names = list(selectors.OPEN_DATA_FIELDS)
        rows = ([getattr(row, name) for name in names] for row in selectors.open_data_rows())
        response = StreamingHttpResponse(csv_lines([names, *rows]), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition("lifeport-programmacijfers.csv")
        response["Access-Control-Allow-Origin"] = "*"
        response["Link"] = f'<{selectors.OPEN_DATA_LICENCE_URL}>; rel="license"'
        return response
