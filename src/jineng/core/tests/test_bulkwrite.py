"""Rows by the thousand (core.bulkwrite): reserved ids never collide with ids handed out later."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from jineng.core.bulkwrite import copy_rows, reserve_ids
from jineng.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite hands out ids only as rows go in")
def test_reserved_ids_are_the_sequences_and_later_rows_get_others() -> None:
    # Given three ids reserved for regions
    ids = reserve_ids(Region, 3)
    assert len(set(ids)) == 3 and ids == sorted(ids)
    # When rows go in with them, and another region is then created the ordinary way,
    copy_rows(
        Region,
        ["id", "name", "short_name", "kind", "path", "depth", "position"],
        [(pk, f"区{pk}", "", "district", f"/{pk}/", 0, 0) for pk in ids],
    )
    later = Region.objects.create(name="后来的区", kind="district", path="/later/")
    # then every row is there under its reserved id, and the later one has an id of its own beyond them.
    assert sorted(Region.objects.filter(pk__in=ids).values_list("pk", flat=True)) == ids
    assert later.pk > max(ids)


def test_copy_rows_stores_dates_and_times_as_the_fields_hold_them() -> None:
    from jineng.people.models import Person

    region = Region.objects.create(name="金水区", kind="district", path="/jinshui/")
    at = timezone.now().replace(microsecond=0)
    copy_rows(
        Person,
        ["id_number", "name", "sex", "birth_date", "phone", "region", "registered_by", "created_at"],
        [("410105199001011234", "张伟", "男", dt.date(1990, 1, 1), "", region.pk, None, at)],
    )
    person = Person.objects.get(id_number="410105199001011234")
    assert (person.birth_date, person.created_at, person.region_id) == (dt.date(1990, 1, 1), at, region.pk)
