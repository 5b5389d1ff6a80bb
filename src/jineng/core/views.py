from __future__ import annotations

import logging

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from jineng.core.errors import error_envelope

log = logging.getLogger("jineng")


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


def _envelope(code: str, message: str, status: int) -> HttpResponse:
    return error_envelope(status, code, message)


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _envelope("not_found", "请求的资源不存在或不在您的管辖范围内", 404)
    return render(
        request, "core/error.html", {"status": 404, "message": "页面不存在或不在您的管辖范围内"}, status=404
    )


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _envelope("forbidden", "您的角色无权执行此操作", 403)
    return render(
        request, "core/error.html", {"status": 403, "message": "您的角色无权访问此页面"}, status=403
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _is_api(request):
        return _envelope("bad_request", "请求格式不正确", 400)
    return render(request, "core/error.html", {"status": 400, "message": "请求格式不正确"}, status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    if _is_api(request):
        return _envelope("internal_error", "服务器内部错误，已记录，请稍后重试或联系管理员", 500)
    return render(
        request, "core/error.html", {"status": 500, "message": "服务器内部错误，已记录"}, status=500
    )


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    if _is_api(request):
        return _envelope(
            "csrf_failed", "CSRF 校验失败：网页会话调用写接口须带 X-CSRFToken，或改用 API 令牌", 403
        )
    return render(
        request, "core/error.html", {"status": 403, "message": "页面已过期，请刷新后重试"}, status=403
    )
