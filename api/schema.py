"""The OpenAPI document as the NL API Design Rules ask: API-Version on every successful response, errors as
problem+json, and the document itself at /openapi.json (GET, CORS open)."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

from api.problems import API_VERSION, TITLES

VERSION_HEADER = {
    "API-Version": {
        "description": "De volledige versie van de API (semver) / the API's full version.",
        "schema": {"type": "string", "example": API_VERSION},
    }
}
PROBLEM_SCHEMA = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri-reference", "example": "about:blank"},
        "title": {"type": "string"},
        "status": {"type": "integer", "format": "int32", "minimum": 100, "maximum": 599},
        "detail": {"type": "string"},
        "instance": {"type": "string", "format": "uri-reference"},
        "invalid-params": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "reason": {"type": "string"}},
                "required": ["name", "reason"],
            },
        },
    },
    "required": ["title", "status"],
}
RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}


def _problem(code: int) -> dict:
    response = {
        "description": str(TITLES.get(code, "Error")),
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
        "headers": dict(VERSION_HEADER),
    }
    if code == 429:
        response["headers"].update(RETRY_AFTER)
    return response


def adr_postprocess(result: dict, generator, request, public: bool) -> dict:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    tags: set[str] = set()
    for path, item in result.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            tags.update(operation.get("tags", []))
            operation.setdefault("description", operation.get("summary") or DESCRIPTIONS.get(path, path))
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if str(code)[0] in "23":
                    response.setdefault("headers", {}).update(VERSION_HEADER)
                    if path == "/openapi.json":
                        response["headers"]["access-control-allow-origin"] = {
                            "description": "Always *: the document may be read from any origin.",
                            "schema": {"type": "string", "example": "*"},
                        }
            public_operation = operation.get("security") == [] or path in ("/openapi.json",) or "open-data" in path
            codes = [400, 429] if public_operation else [400, 401, 403, 404, 429]
            if method in ("patch", "delete"):
                codes.append(409)
            if method == "post":
                codes += [413, 422]
            for code in codes:
                responses.setdefault(str(code), _problem(code))
    result["tags"] = [{"name": tag, "description": DESCRIPTIONS.get(f"/{tag}", tag)} for tag in sorted(tags)]
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Een API-token van het programmabureau: `Authorization: Bearer lpr_…`.",
        }


DESCRIPTIONS = {
    "/action-lines": "De zes actielijnen van het programma / the six action lines.",
    "/activities": "Activiteiten van vastgestelde jaarplannen met de toezeggingen per partner.",
    "/agreements": "De overeenkomst die nu loopt, met haar partijen.",
    "/agreements/current": "De overeenkomst die nu loopt, met haar partijen / the agreement in force.",
    "/contributions": "Bijdragen van de eigen partner (token van een partner) / contributions of the token's partner.",
    "/contributions/{id}": "Eén bijdrage; wijzigen en verwijderen alleen als concept / one contribution.",
    "/contributions/{id}/evidence": "Bewijsstukken bij een bijdrage (PDF, PNG, JPEG, XLSX, DOCX, CSV; max. 10 MB).",
    "/figures": "Programmacijfers per actielijn, partner en helix, als het dashboard (tokens van het bureau).",
    "/open-data": "Open data (Woo): gepubliceerde cijfers uit uitgegeven rapportages, CC0, zonder inloggen.",
    "/open-data/figures": "Gepubliceerde cijfers per periode, actielijn en helix (JSON), CC0.",
    "/open-data/figures.csv": "Dezelfde gepubliceerde cijfers als CSV, CC0.",
    "/openapi.json": "Dit OpenAPI-document / this OpenAPI document.",
    "/partners": "De partners van het programma / the programme's partners.",
    "/period-submissions": "Een periode indienen: alle concepten van de eigen partner in die periode.",
    "/reporting-periods": "Rapportageperiodes (kwartalen) met hun deadline.",
    "/reports": "Uitgegeven voortgangsrapportages (metadata); de PDF via /reports/{id}/pdf.",
    "/reports/{id}": "Eén uitgegeven rapportage.",
    "/reports/{id}/pdf": "De PDF van een uitgegeven rapportage.",
}
