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
    assert '<td>班级已提交 <span class="muted small mono">class.submitted</span></td>' in page
    assert f'<span class="muted small">培训班#{tc.pk}</span>' in page
    # And the filter offers the registered kinds by label, this one chosen
    assert '<option value="class.submitted" selected>班级已提交</option>' in page
    assert '<option value="roster.uploaded">花名册已上传，等待检查</option>' in page
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


def test_audit_page_names_states_and_objects_in_chinese_codes_beside(world: World) -> None:
    # Given a class the institution has submitted (draft → submitted)
    tc = submitted_class(world)
    event = Event.objects.get(action="class.submitted", object_id=str(tc.pk))
    assert (event.from_state, event.to_state) == ("draft", "submitted")
    client = world.client(world.users["auditor"])
    # When the auditor reads the page, the export and the API
    page = client.get("/audit/?action=class.submitted").content.decode()
    rows = list(
        load_workbook(
            BytesIO(client.get("/audit/?action=class.submitted&format=xlsx").content)
        ).active.iter_rows(values_only=True)
    )
    (item,) = client.get(f"/api/v1/events?action=class.submitted&object_id={tc.pk}").json()["items"]
    # Then the states read as the class's own labels, the codes only in small grey text
    assert '<td>草稿 → 待行业部门审核 <span class="muted small mono">draft→submitted</span></td>' in page
    assert rows[0][10:14] == ("原状态", "新状态", "原状态代码", "新状态代码")
    assert rows[1][10:14] == ("草稿", "待行业部门审核", "draft", "submitted")
    assert (item["from_state_label"], item["to_state_label"]) == ("草稿", "待行业部门审核")


def test_state_and_object_labels() -> None:
    from jineng.audit import kinds

    # A model's own choices first, then the states of objects without a state field, else as written
    assert kinds.state_label("claims.Prepayment", "recalled") == "班级已取消，预拨款转应退回"
    assert kinds.state_label("claims.PaymentBatch", "sent") == "已送财政"
    assert kinds.state_label("recovery.WrongPayment", "outstanding") == "待退回"
    assert kinds.state_label("organisations.Gone", "2021-07-13") == "2021-07-13"
    assert kinds.state_label("claims.Claim", "") == ""
    # An event written before its model had a name of its own is shown by the type's name and number
    assert kinds.object_shown("claims.PaymentBatch", "2", "PaymentBatch object (2)") == "拨付批次 2"
    assert kinds.object_shown("claims.PaymentBatch", "2", "拨付批次 PB2021070001") == "拨付批次 PB2021070001"


def test_every_model_has_a_chinese_name_and_names_its_rows() -> None:
    """No page or trail shows "PaymentBatch object (2)" or an English model name."""
    import re

    from django.apps import apps
    from django.db import models

    unnamed = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("jineng.") and m.__str__ is models.Model.__str__
    ]
    english = [
        m._meta.label
        for m in apps.get_models()
        if m.__module__.startswith("jineng.") and not re.search(r"[\u4e00-\u9fff]", str(m._meta.verbose_name))
    ]
    assert (unnamed, english) == ([], [])


def test_every_literal_state_a_service_writes_has_a_chinese_label() -> None:
    import ast
    from pathlib import Path

    from django.apps import apps

    from jineng.audit import kinds

    root = Path(__file__).resolve().parents[2]
    labelled = set(kinds.OTHER_STATES)
    for m in apps.get_models():
        for name in ("state", "status"):
            try:
                field = m._meta.get_field(name)
            except Exception:
                continue
            labelled |= {str(code) for code, _ in field.flatchoices}
    written = {
        (str(path.relative_to(root)), kw.value.value)
        for path in root.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg in ("from_state", "to_state") and isinstance(kw.value, ast.Constant) and kw.value.value
    }
    assert written, "the scan finds the services' literal states"
    # A state written in Chinese already (专职, 已撤销) or a year needs no label
    codes = {w for w in written if w[1].isascii() and not w[1].isdigit()}
    assert sorted(w for w in codes if w[1] not in labelled) == []
