from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest


def paginate(request: HttpRequest, qs: QuerySet[Any], per_page: int | None = None) -> tuple[Page[Any], str]:
    """The page asked for (a bad number gives the nearest real page) and the query string to keep filters."""
    paginator = Paginator(qs, per_page or settings.JINENG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
