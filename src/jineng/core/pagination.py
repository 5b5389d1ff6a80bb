from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination

# 10^6 pages of at most 100 rows: beyond any table here, and the offset stays a 64-bit integer (a page
# number of 30 digits was "datatype mismatch" on SQLite and out of range on PostgreSQL, a 500 either way).
MAX_PAGE = 1_000_000


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    """ninja's page-number pagination with the page number bounded: every /api/v1 list uses this one."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)


def sorted_by(request: HttpRequest, qs: QuerySet[Any], sorts: Mapping[str, Sequence[str]]) -> QuerySet[Any]:
    """18.13: a long table sorted on the server, over all its pages, by ``?sort=<key>`` (``-<key>`` for
    descending): ``sorts`` maps the keys a page offers to the fields they order by. An unknown key leaves
    the page's own order; the primary key breaks ties so pages never repeat or skip a row."""
    raw = request.GET.get("sort", "")
    key = raw.removeprefix("-")
    if key not in sorts:
        return qs
    fields = [f"-{f}" if raw.startswith("-") else f for f in sorts[key]]
    return qs.order_by(*fields, "-pk" if raw.startswith("-") else "pk")


def paginate(
    request: HttpRequest,
    qs: QuerySet[Any],
    per_page: int | None = None,
    *,
    sorts: Mapping[str, Sequence[str]] | None = None,
) -> tuple[Page[Any], str]:
    """The page asked for (a bad number gives the nearest real page) and the query string to keep filters
    (and the sort, when the page offers ``sorts``: see sorted_by)."""
    if sorts:
        qs = sorted_by(request, qs, sorts)
    paginator = Paginator(qs, per_page or settings.JINENG_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()
