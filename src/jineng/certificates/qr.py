"""QR codes pointing to the public certificate check (segno, pure Python): inline SVG, so that no image
request, file or data: URL is needed, and it prints with the page."""

from __future__ import annotations

import functools
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


@functools.lru_cache(maxsize=4096)
def qr_svg(url: str, *, scale: int = 2, quick: bool = False) -> SafeString:
    """``quick``: a fixed mask pattern (any of the eight is a valid code; choosing the best costs ~4× the
    time) for the list's fifty small codes; a certificate's own page gets the best one."""
    # segno writes the SVG itself from the QR matrix; the only text it carries is the title, escaped.
    code = segno.make(url, error="m", micro=False, mask=0 if quick else None)
    return mark_safe(code.svg_inline(scale=scale, border=2, title="证书查验二维码"))
