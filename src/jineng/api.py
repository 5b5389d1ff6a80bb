"""/api/v1: one NinjaAPI, per-app routers, token or session auth, one error envelope for every error."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.docs import Swagger
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import check_csrf

from jineng.accounts.services import api_token_authenticate
from jineng.core.errors import Refusal, error_envelope
from jineng.core.middleware import NOT_A_FORM

log = logging.getLogger("jineng.api")


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class CsrfFailed(Exception):
    pass


class SessionOrNothing(SessionAuth):
    """Session auth that checks CSRF only when there is a session.

    ninja's own checks CSRF first, so a write with a bad bearer token and no session came back as a
    CSRF 403 instead of the 401 an integration needs to see."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed
        return request.COOKIES.get(self.param_name)


class ErrorEnvelope(Schema):
    """The body of every error response of /api/v1."""

    code: str = Field(description="机器可读的错误类别，如 validation_error、refused、not_found、bad_request")
    message: str = Field(description="给用户看的中文说明，指出字段、规则与条款")
    details: list[dict[str, Any]] = Field(
        description="逐项说明：参数错误为 loc/message/type；拒绝为 row/field/value/rule/clause/message"
    )


# Declared on every operation, so that a client (and the fuzz pass in CI) knows each error's shape.
ERROR_RESPONSES = {
    400: "请求格式不正确（如含空字符、请求体无法解析）",
    401: "未登录或令牌无效",
    403: "角色无权执行此操作，或 CSRF 校验失败",
    404: "资源不存在或不在管辖范围内",
    409: "与另一请求冲突，请重试",
    413: "请求体过大",
    422: "参数不合法，或业务规则拒绝（指出规则与条款）",
    429: "请求过于频繁",
    500: "服务器内部错误",
}
# Without credentials there is nobody to refuse: public operations do not declare 401 and 403.
_AUTH_ONLY = {401, 403}


class OpenAPIDocument(OpenAPISchema):
    """ninja's document, keeping every name under which two different schemas were offered.

    ninja stores each model under its class name and keeps the last one silently, so two apps'
    ``LineOut`` left one operation documented with the other's fields; test_bad_input checks that
    ``name_collisions`` stays empty."""

    def __init__(self, api: NinjaAPI, path_prefix: str) -> None:
        self.name_collisions: dict[str, list[dict[str, Any]]] = {}
        super().__init__(api, path_prefix)
        self._declare_errors()

    def add_schema_definitions(self, definitions: dict[str, Any]) -> None:
        for name, definition in definitions.items():
            known = self.schemas.get(name)
            if known is not None and known != definition:
                self.name_collisions.setdefault(name, [known]).append(definition)
        super().add_schema_definitions(definitions)

    def _declare_errors(self) -> None:
        envelope = ErrorEnvelope.model_json_schema(ref_template=REF_TEMPLATE)
        self.add_schema_definitions({"ErrorEnvelope": envelope})
        ref = {"$ref": REF_TEMPLATE.format(model="ErrorEnvelope")}
        for methods in self["paths"].values():
            for operation in methods.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    if status in _AUTH_ONLY and not operation.get("security"):
                        continue
                    responses.setdefault(
                        status, {"description": description, "content": {"application/json": {"schema": ref}}}
                    )


class JinengAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPIDocument:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return OpenAPIDocument(self, path_prefix)


api = JinengAPI(
    title="技能 Jineng API",
    version="1.0",
    description=(
        "职业技能提升行动管理平台接口。机构自有系统使用 `Authorization: Bearer <令牌>`（在“API 令牌”页面签发）；"
        '浏览器会话亦可调用。所有错误均为 `{"code", "message", "details"}`。'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionOrNothing()],
    docs_url="/docs",
    # Swagger UI's badge would ask validator.swagger.io about the schema from any host but localhost:
    # a bureau's network reaches nothing outside, so the page asks nothing outside.
    docs=Swagger(settings={"validatorUrl": None}),
)


def envelope(request: HttpRequest, status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    return error_envelope(status, code, message, details)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    422: "refused",
    429: "too_many_requests",
}


# pydantic's error types, said in Chinese; the English text stays in details for developers.
_PYDANTIC_MESSAGES = {
    "missing": "必须填写",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "int_from_float": "须为整数",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "decimal_parsing": "须为数字",
    "decimal_type": "须为数字",
    "bool_parsing": "须为 true 或 false",
    "bool_type": "须为 true 或 false",
    "date_parsing": "须为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "须为日期（YYYY-MM-DD）",
    "date_type": "须为日期（YYYY-MM-DD）",
    "datetime_parsing": "须为日期时间（ISO 8601）",
    "datetime_from_date_parsing": "须为日期时间（ISO 8601）",
    "string_type": "须为文本",
    "string_too_long": "长度不得超过 {max_length}",
    "string_too_short": "长度不得少于 {min_length}",
    "too_long": "不得超过 {max_length} 项",
    "too_short": "不得少于 {min_length} 项",
    "less_than_equal": "不得大于 {le}",
    "less_than": "须小于 {lt}",
    "greater_than_equal": "不得小于 {ge}",
    "greater_than": "须大于 {gt}",
    "literal_error": "须为 {expected} 之一",
    "enum": "须为 {expected} 之一",
    "list_type": "须为列表",
    "dict_type": "须为对象",
    "model_type": "须为对象",
    "model_attributes_type": "须为对象",
    "json_invalid": "不是合法的 JSON",
    # A validator of ours raised ValueError with a Chinese text.
    "value_error": "：{error}",
}


def _field_name(loc: list[str]) -> str:
    # ["query", "page"] → page; ["body", "data", "rows", "0", "name"] → rows.0.name (the view's
    # argument name, here "data", means nothing to a caller).
    parts = loc[2:] if len(loc) > 2 and loc[0] == "body" else loc[1:]
    return ".".join(parts) or (loc[0] if loc else "请求")


def _validation_message(err: dict[str, Any]) -> str:
    template = _PYDANTIC_MESSAGES.get(str(err.get("type", "")), "不合法")
    try:
        return template.format(**err.get("ctx", {}))
    except (KeyError, IndexError):
        return "不合法"


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details = [
        {
            "loc": [str(p) for p in err.get("loc", [])],
            "message": str(err.get("msg", "")),
            "type": err.get("type", ""),
        }
        for err in exc.errors
    ]
    message = "请求参数不合法"
    if exc.errors:
        first = exc.errors[0]
        message += f"：“{_field_name(details[0]['loc'])}”{_validation_message(first)}"
        if len(exc.errors) > 1:
            message += f"（另有 {len(exc.errors) - 1} 处，见 details）"
    return envelope(request, 422, "validation_error", message, details)


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return envelope(
        request, 413, "payload_too_large", f"请求体过大：不得超过 {limit} MB，请分批提交或改用文件上传"
    )


@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def _out_of_range(request: HttpRequest, exc: Exception) -> HttpResponse:
    # An integer past 64 bits in an id or a filter (SQLite: OverflowError; PostgreSQL: "bigint out of
    # range"), a text past its column: the database refuses what the schema let through. The input is
    # at fault, so a 4xx; the warning shows the operator which parameter lacks a bound.
    log.warning("Out-of-range input on %s %s: %s", request.method, request.path, exc)
    return envelope(request, 422, "out_of_range", "请求中的数值超出范围或文本超出长度，请核对后重试")


@api.exception_handler(MultiPartParserError)
def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A session's CSRF check reads the form: a body sent as multipart/form-data that is not one (no
    # boundary, JSON under that header) failed there, before ninja looked at it.
    return envelope(request, 400, "bad_request", NOT_A_FORM)


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Too many fields or files, a malformed multipart body: Django refuses the request before any view.
    if isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        return envelope(request, 400, "bad_request", "请求中的字段或文件过多，请分批提交")
    return envelope(request, 400, "bad_request", "请求格式不正确")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return envelope(
        request, 401, "unauthorized", "未登录或令牌无效：请在请求头中提供 Authorization: Bearer <令牌>"
    )


@api.exception_handler(CsrfFailed)
def _csrf(request: HttpRequest, exc: CsrfFailed) -> HttpResponse:
    return envelope(
        request,
        403,
        "csrf_failed",
        "CSRF 校验失败：网页会话调用写接口须带 X-CSRFToken 请求头，或改用 API 令牌",
    )


# ninja raises a few HttpErrors with English texts of its own.
_NINJA_MESSAGES = {"Cannot parse request body": "请求体无法解析：须为合法的 JSON"}


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc.message)
    for english, chinese in _NINJA_MESSAGES.items():
        if message.startswith(english):
            message = chinese
    return envelope(request, exc.status_code, _STATUS_CODES.get(exc.status_code, "error"), message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return envelope(request, 404, "not_found", "请求的资源不存在或不在您的管辖范围内")


@api.exception_handler(ObjectDoesNotExist)
def _missing(request: HttpRequest, exc: Exception) -> HttpResponse:
    return envelope(request, 404, "not_found", "请求的资源不存在或不在您的管辖范围内")


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return envelope(request, 403, "forbidden", str(exc) or "您的角色无权执行此操作")


@api.exception_handler(Refusal)
def _refusal(request: HttpRequest, exc: Refusal) -> HttpResponse:
    return envelope(request, 422, "refused", exc.render(), exc.details())


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return envelope(request, 500, "internal_error", "服务器内部错误，已记录，请稍后重试或联系管理员")


def _mount() -> None:
    from jineng.accounts.api import router as accounts_router
    from jineng.appraisal.api import public as appraisal_public_router
    from jineng.appraisal.api import router as appraisal_router
    from jineng.apprenticeship.api import router as apprenticeship_router
    from jineng.assessment.api import router as assessment_router
    from jineng.audit.api import router as audit_router
    from jineng.catalogue.api import router as catalogue_router
    from jineng.certificates.api import public as certificate_check_router
    from jineng.certificates.api import router as certificates_router
    from jineng.claims.api import batches as batches_router
    from jineng.claims.api import router as claims_router
    from jineng.claims.api_public import public as notices_router
    from jineng.claims.funduse_api import public as fund_use_router
    from jineng.claims.prepayment_api import router as prepayments_router
    from jineng.evalsubsidy.api import router as evalsubsidy_router
    from jineng.grants.api import router as grants_router
    from jineng.ledger.api import router as ledger_router
    from jineng.online.api import router as online_router
    from jineng.orgs.api import router as orgs_router
    from jineng.orgs.api import sanctions as sanctions_router
    from jineng.people.api import router as people_router
    from jineng.progress.api import router as progress_router
    from jineng.recovery.api import router as recovery_router
    from jineng.regions.api import policy_router
    from jineng.regions.api import router as regions_router
    from jineng.signoffs.api import router as signoffs_router
    from jineng.supervision.api import router as supervision_router
    from jineng.targets.api import router as targets_router
    from jineng.training.api import router as training_router
    from jineng.vouchers.api import router as vouchers_router
    from jineng.wagetraining.api import router as yigong_router
    from jineng.workcal.api import router as workcal_router

    api.add_router("/", accounts_router, tags=["账号"])
    api.add_router("/", regions_router, tags=["区域与部门"])
    api.add_router("/profiles", policy_router, tags=["政策档案"])
    api.add_router("/organisations", orgs_router, tags=["机构"])
    api.add_router("/sanctions", sanctions_router, tags=["机构处理决定"])
    api.add_router("/people", people_router, tags=["实名人员"])
    api.add_router("/calendar", workcal_router, tags=["工作日历"])
    api.add_router("/events", audit_router, tags=["审计"])
    api.add_router("/catalogue", catalogue_router, tags=["培训目录"])
    api.add_router("/classes", training_router, tags=["培训开班"])
    api.add_router("/supervision", supervision_router, tags=["过程监管"])
    api.add_router("/assessment", assessment_router, tags=["结业考核"])
    # Issue 16: the public check first, so that /certificates/check is never read as a certificate id.
    api.add_router("/certificates/check", certificate_check_router, tags=["证书查验（公开）"])
    api.add_router("/certificates", certificates_router, tags=["证书登记册"])
    api.add_router("/signoffs", signoffs_router, tags=["人社部门签字与意见"])
    api.add_router("/claims", claims_router, tags=["补贴申领"])
    api.add_router("/batches", batches_router, tags=["资金拨付"])
    api.add_router("/notices", notices_router, tags=["补贴公示（公开）"])
    api.add_router("/fund-use", fund_use_router, tags=["资金使用情况（公开）"])
    api.add_router("/vouchers", vouchers_router, tags=["电子职业培训券"])
    api.add_router("/yigong", yigong_router, tags=["以工代训"])
    api.add_router("/evaluation", evalsubsidy_router, tags=["职业技能评价补贴"])
    api.add_router("/apprenticeship", apprenticeship_router, tags=["企业新型学徒制"])
    api.add_router("/ledger", ledger_router, tags=["资金账簿"])
    api.add_router("/prepayments", prepayments_router, tags=["项目制预拨"])
    api.add_router("/grants", grants_router, tags=["实训设备补助"])
    api.add_router("/recovery", recovery_router, tags=["错发追缴"])
    api.add_router("/plans", targets_router, tags=["目标计划"])
    api.add_router("/progress", progress_router, tags=["目标进度与月报"])
    api.add_router("/appraisal", appraisal_router, tags=["机构绩效评价"])
    api.add_router("/appraisal/exited", appraisal_public_router, tags=["退出目录机构（公开）"])
    api.add_router("/online", online_router, tags=["线上培训与人脸签到监管"])


_mount()
