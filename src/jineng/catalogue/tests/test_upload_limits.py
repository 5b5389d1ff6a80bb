"""Issue 12: the catalogue goes through the upload reader; refused whole, nothing written."""

from __future__ import annotations

import pytest

from jineng.catalogue.models import CatalogueItem
from jineng.catalogue.services import ImportRejected, catalogue_import
from jineng.conftest import World
from jineng.core.tests import hostile

pytestmark = pytest.mark.django_db


def test_a_catalogue_beyond_the_limits_is_refused_and_nothing_is_written(world: World) -> None:
    items = CatalogueItem.objects.count()
    with pytest.raises(ImportRejected) as caught:
        catalogue_import(actor=None, region=world.henan, year=2023, content=hostile.declared_everything())
    assert [e.message for e in caught.value.errors] == [
        "文件声明的表格范围 A1:XFD1048576 超过上限（最多 100000 行、200 列、共 1000000 个单元格）"
    ]
    assert CatalogueItem.objects.count() == items
