from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.shortcuts import render

NUL = "\x00"
NOT_A_FORM = "请求体无法解析：Content-Type 为 multipart/form-data 但内容不是合法的表单；JSON 请求体请用 application/json"

_CODES = {405: ("method_not_allowed", "该接口不支持此请求方法")}


def api_error_envelope(
    get_response: Callable[[HttpRequest], HttpResponse],
) -> Callable[[HttpRequest], HttpResponse]:
    """Responses that ninja builds outside its exception handlers (405 from the path router) get the
    same {"code", "message", "details"} envelope as every other API error."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if (
            request.path.startswith("/api/")
            and response.status_code in _CODES
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = _CODES[response.status_code]
            allow = response.get("Allow", "")
            wrapped = JsonResponse(
                {"code": code, "message": f"{message}（允许：{allow}）" if allow else message, "details": []},
                status=response.status_code,
            )
            if allow:
                wrapped["Allow"] = allow
            return wrapped
        return response

    return middleware


def _json_strings(value: Any) -> Iterator[tuple[str, str]]:
    """Every (key, string) pair in a decoded JSON document, keys included, at any depth."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield str(key), str(key)
            for _, text in _json_strings(item):
                yield str(key), text
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)
    elif isinstance(value, str):
        yield "", value


def _nul_field(request: HttpRequest) -> str | None:
    """The name of the first field that carries a NUL character, or None.

    PostgreSQL refuses NUL in text (SQLite stores it), so a NUL that reached a query was a 500 on one
    database and silently stored on the other; no field of this site has a use for one."""
    if NUL in request.path:
        return "路径"
    for key, values in request.GET.lists():
        if NUL in key or any(NUL in v for v in values):
            return key.replace(NUL, "") or "查询参数"
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return None
    content_type = request.content_type or ""
    try:
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                if NUL in key or any(NUL in v for v in values):
                    return key.replace(NUL, "") or "表单字段"
        elif (content_type == "application/json" or content_type.endswith("+json")) and b"\\u0000" in (
            request.body
        ):
            # A raw NUL byte is not valid JSON (the API refuses the body as unparsable); the escape is.
            # Parsed only when the escape is there; request.body is read once and kept for ninja.
            document = json.loads(request.body)
            for key, text in _json_strings(document):
                if NUL in text:
                    return key.replace(NUL, "") or "请求体"
    except (ValueError, SuspiciousOperation):
        # A body that is not JSON, too large or too many fields: the view refuses it with its own message.
        return None
    return None


def reject_nul(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A NUL character (\\x00) anywhere in the path, a query parameter, a form field or a JSON body is
    refused with 400 before any view runs, naming the field: in the error envelope under /api/, on the
    error page elsewhere."""

    def middleware(request: HttpRequest) -> HttpResponse:
        try:
            field = _nul_field(request)
        except MultiPartParserError:
            # Labelled multipart/form-data but not a form (no boundary, JSON under that header). Pages:
            # Django's own handler answers 400.
            if not request.path.startswith("/api/"):
                raise
            return JsonResponse({"code": "bad_request", "message": NOT_A_FORM, "details": []}, status=400)
        if field is None:
            return get_response(request)
        message = f"“{field}”含有空字符（\\x00），请删除后重试"
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"code": "bad_request", "message": message, "details": [{"field": field, "value": ""}]},
                status=400,
            )
        return render(request, "core/error.html", {"status": 400, "message": message}, status=400)

    return middleware
