from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from api import resources, views
from api.authentication import AddressThrottle


class OpenApiDocument(SpectacularJSONAPIView):
    """The OpenAPI 3 document (GET /api/v1/openapi.json), readable from any origin."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]

    @extend_schema(
        operation_id="openapi_read",
        auth=[],
        summary="OpenAPI-document",
        exclude=False,
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Access-Control-Allow-Origin"] = "*"
        return response


class Documentation(SpectacularSwaggerSplitView):
    """The documentation page: Swagger UI from our own static files (drf-spectacular-sidecar), its start-up
    script loaded as a file of its own (?script), as the Content-Security-Policy requires."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [AddressThrottle]
    url_name = "api:openapi"
    template_name = "api/swagger_ui.html"
    title = "Lifeport Regie API – documentatie"


app_name = "api"
urlpatterns = [
    path("v1/openapi.json", OpenApiDocument.as_view(), name="openapi"),
    path("v1/docs", Documentation.as_view(), name="docs"),
    path("v1/contributions", resources.ContributionList.as_view(), name="contributions"),
    path("v1/contributions/<int:pk>", resources.ContributionDetail.as_view(), name="contribution"),
    path("v1/contributions/<int:pk>/evidence", resources.EvidenceList.as_view(), name="evidence"),
    path("v1/period-submissions", resources.PeriodSubmissionList.as_view(), name="period_submissions"),
    path("v1/reporting-periods", resources.ReportingPeriodList.as_view(), name="reporting_periods"),
    path("v1/action-lines", resources.ActionLineList.as_view(), name="action_lines"),
    path("v1/partners", resources.PartnerList.as_view(), name="partners"),
    path("v1/agreements/current", resources.CurrentAgreement.as_view(), name="agreement_current"),
    path("v1/activities", resources.ActivityList.as_view(), name="activities"),
    path("v1/reports", resources.ReportList.as_view(), name="reports"),
    path("v1/reports/<int:pk>", resources.ReportDetail.as_view(), name="report"),
    path("v1/reports/<int:pk>/pdf", resources.ReportPdf.as_view(), name="report_pdf"),
    path("v1/figures", resources.ProgrammeFigures.as_view(), name="figures"),
    path("v1/open-data/figures", resources.OpenDataFigures.as_view(), name="open_data"),
    path("v1/open-data/figures.csv", resources.OpenDataFiguresCsv.as_view(), name="open_data_csv"),
]
office_urlpatterns = [
    path("", views.token_list, name="tokens"),
    path("<int:pk>/intrekken/", views.token_revoke, name="token_revoke"),
]
