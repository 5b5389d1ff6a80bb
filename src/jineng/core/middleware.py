from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

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
