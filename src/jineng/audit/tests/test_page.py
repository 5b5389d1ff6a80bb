"""The audit page and its export name each event by its kind's Chinese label, the code beside it."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from jineng.audit.models import Event
from jineng.conftest import World
from jineng.training.tests.factories import submitted_class


def test_audit_page_shows_the_kind_by_its_label(world: World) -> None:
    # Given a class the institution has submitted
    tc = submitted_class(world)
    event = Event.objects.get(action="class.submitted", object_id=str(tc.pk))
    client = world.client(world.users["auditor"])
    # When the auditor filters the page by that kind
    page = client.get("/audit/?action=class.submitted").content.decode()
    # Then the event reads 班级已提交, with its code and the object's type in small grey text
    assert '<td class="fit">班级已提交 <span class="muted small mono">class.submitted</span></td>' in page
    assert f'<span class="muted small">培训班#{tc.pk}</span>' in page
    # And the filter offers the registered kinds by label, this one chosen
    assert '<option value="class.submitted" selected>班级已提交</option>' in page
    assert '<option value="roster.uploaded">花名册已导入</option>' in page
    assert "roster.uploaded</span>" not in page  # filtered to the one kind

    # When the auditor exports the same list
    response = client.get("/audit/?action=class.submitted&format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    # Then the label comes first and the code after it
    assert rows[0][4:8] == ("动作", "动作代码", "对象类型", "对象类型代码")
    assert [row[0] for row in rows[1:]] == [event.pk]
    assert rows[1][4:10] == (
        "班级已提交",
        "class.submitted",
        "培训班",
        "training.TrainingClass",
        str(tc.pk),
        event.object_label,
    )


def test_audit_api_gives_the_labels_beside_the_codes(world: World) -> None:
    # Given a submitted class
    tc = submitted_class(world)
    # When the auditor reads its events through the API
    body = (
        world.client(world.users["auditor"])
        .get(f"/api/v1/events?action=class.submitted&object_id={tc.pk}")
        .json()
    )
    # Then each carries its kind's and its object type's Chinese labels beside the codes
    (item,) = body["items"]
    assert (item["action"], item["action_label"]) == ("class.submitted", "班级已提交")
    assert (item["object_type"], item["object_type_label"]) == ("training.TrainingClass", "培训班")
