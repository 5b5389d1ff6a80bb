"""18.13: the class list sorts over all its pages on the server, not only the rows of the page shown."""

from __future__ import annotations

import io
import re
from typing import Any

import openpyxl
import pytest

from jineng.conftest import World
from jineng.training.tests.factories import draft_class

pytestmark = pytest.mark.django_db


def _refs(html: str) -> list[str]:
    return re.findall(r'<td class="mono fit"><a href="/classes/\d+/">([^<]+)</a></td>', html)


def test_18_13_the_class_list_sorts_all_pages_by_the_chosen_column(world: World, settings: Any) -> None:
    # Given three draft classes planned for 25, 40 and 31 trainees, and pages of two rows
    settings.JINENG_PAGE_SIZE = 2
    made = {n: draft_class(world, planned_trainees=n, batch=f"2021-排序-{n}").ref for n in (25, 40, 31)}
    client = world.client(world.users["institution"])

    # When the clerk sorts by 拟培训, descending, then the first page holds 40 and 31, the second 25
    first = client.get("/classes/?sort=-planned").content.decode()
    second = client.get("/classes/?sort=-planned&page=2").content.decode()
    assert _refs(first) == [made[40], made[31]]
    assert _refs(second) == [made[25]]
    # And the pager keeps the sort on its links; the header says which column sorts and how
    assert 'href="?sort=-planned&page=2">下一页</a>' in first
    assert 'data-sort="planned"' in first

    # Ascending, the other way round
    assert _refs(client.get("/classes/?sort=planned").content.decode()) == [made[25], made[31]]
    # An unknown key is ignored (the page's own order), never an error
    assert client.get("/classes/?sort=password").status_code == 200
    # The export follows the sort the clerk sees
    book = openpyxl.load_workbook(io.BytesIO(client.get("/classes/?sort=-planned&format=xlsx").content))
    refs = [row[0] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert refs == [made[40], made[31], made[25]]
