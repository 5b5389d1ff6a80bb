"""QR codes pointing to the public certificate check (segno, pure Python): inline SVG, so that no image
request, file or data: URL is needed, and it prints with the page."""

from __future__ import annotations

from urllib.parse import urlencode

import segno
from django.http import HttpRequest
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe


def check_url(request: HttpRequest, number: str = "") -> str:
    """The check page's absolute address, with the certificate number filled in (the name is typed)."""
    path = reverse("certificates:check")
    if number:
        path += "?" + urlencode({"number": number})
    return request.build_absolute_uri(path)


def qr_svg(url: str, *, scale: int = 2) -> SafeString:
    # segno writes the SVG itself from the QR matrix; the only text it carries is the title, escaped.
    svg = segno.make(url, error="m").svg_inline(scale=scale, border=2, title="证书查验二维码")
    return mark_safe(svg)
