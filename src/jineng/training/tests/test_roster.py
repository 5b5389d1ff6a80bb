"""Roster import: the whole batch is judged, a bad row refuses all of it with a full report."""

from __future__ import annotations

import datetime as dt
import re
import time
import zipfile
from io import BytesIO
from typing import Any

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from jineng.audit import kinds
from jineng.audit.models import Event
from jineng.conftest import World
from jineng.core.xlsx import workbook_bytes
from jineng.people.models import Person
from jineng.training import facts, roster, services
from jineng.training.models import Enrolment, RosterJob
from jineng.training.roster import read_roster
from jineng.training.tests.factories import APPLIED, draft_class, fresh_rows, roster_bytes, roster_row

pytestmark = pytest.mark.django_db


def _run(world: World, content: bytes) -> RosterJob:
    tc = draft_class(world)
    job = services.roster_job_create(
        actor=world.users["institution"], training_class=tc, filename="花名册.xlsx", content=content
    )
    return services.roster_job_run(job_id=job.pk, today=APPLIED)


def test_b01_bad_rows_refuse_the_whole_roster_and_nothing_is_written(world: World) -> None:
    # Given 50 rows of which row 5 has a wrong check digit, row 9 repeats row 2's number and
    # row 12 has an impossible date.
    rows = fresh_rows(50)
    good = rows[3]["id_number"]
    rows[3]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    rows[7]["id_number"] = rows[0]["id_number"]
    rows[10]["hired_on"] = "2021-13-40"
    persons_before = Person.objects.count()
    # When the roster is checked,
    job = _run(world, roster_bytes(rows))
    # then it is refused whole, each problem named by row, column, rule.
    assert job.status == RosterJob.Status.REFUSED
    assert job.bad_rows == 3
    assert [(p["row"], p["field"], p["rule"]) for p in job.report] == [
        (5, "身份证号", "B01"),
        (9, "身份证号", "B01"),
        (12, "入职日期", "格式"),
    ]
    assert "50 行" in job.message and "3 行" in job.message
    assert Enrolment.objects.count() == 0
    assert Person.objects.count() == persons_before
    # And the upload's trail says what happened: uploaded and queued, then refused, nothing imported
    trail = Event.objects.filter(object_type="training.RosterJob", object_id=str(job.pk)).order_by("pk")
    assert [(e.action, kinds.label_of(e.action), e.to_state) for e in trail] == [
        ("roster.uploaded", "花名册已上传，等待检查", "queued"),
        ("roster.refused", "花名册未通过检查，未导入", "refused"),
    ]
    assert trail.last().payload == {"class": job.training_class.ref, "bad_rows": 3}  # type: ignore[union-attr]


def test_b03_person_in_an_unassessed_class_is_refused(world: World) -> None:
    rows = fresh_rows(3)
    first = _run(world, roster_bytes(rows))
    assert first.status == RosterJob.Status.ACCEPTED
    services.class_submit(
        actor=world.users["institution"], training_class=first.training_class, today=APPLIED
    )
    second = _run(world, roster_bytes(rows))
    assert second.status == RosterJob.Status.REFUSED
    assert {p["rule"] for p in second.report} == {"B03"}
    assert [p["row"] for p in second.report] == [2, 3, 4]


def test_accepted_roster_registers_new_persons_with_one_event_each(world: World) -> None:
    job = _run(world, roster_bytes(fresh_rows(4)))
    assert job.status == RosterJob.Status.ACCEPTED and job.message == "已导入 4 名学员"
    tc = job.training_class
    assert Enrolment.objects.filter(training_class=tc).count() == 4
    assert Event.objects.filter(action="person.registered", payload__roster_job=job.pk).count() == 4


def test_run_twice_does_nothing_the_second_time(world: World) -> None:
    job = _run(world, roster_bytes(fresh_rows(2)))
    again = services.roster_job_run(job_id=job.pk, today=APPLIED)
    assert again.status == RosterJob.Status.ACCEPTED
    assert Enrolment.objects.count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"not a spreadsheet", "无法读取文件"), (roster_bytes([]), "花名册中没有学员")],
)
def test_unreadable_file_fails_with_a_clear_message(world: World, content: bytes, message: str) -> None:
    job = _run(world, content)
    assert job.status == RosterJob.Status.FAILED
    assert message in job.message
    assert Enrolment.objects.count() == 0
    trail = Event.objects.filter(object_type="training.RosterJob", object_id=str(job.pk)).order_by("pk")
    assert [(e.action, kinds.label_of(e.action), e.from_state, e.to_state) for e in trail][1:] == [
        ("roster.failed", "花名册未能检查或保存，未导入", "running", "failed")
    ]


def test_wrong_headers_name_the_missing_columns() -> None:
    result = read_roster(workbook_bytes("x", ["姓名", "身份证"], [["张三", "1"]]), max_rows=10)
    assert result.fatal.startswith("表头与花名册模板不一致，缺少列：身份证号、")


# --- the reader: calamine reads what openpyxl reads, whatever wrote the file ----------------------------

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def excel_layout(content: bytes, *, rich: str = "") -> bytes:
    """The roster as Excel and WPS write it: text in a shared-string table (openpyxl writes it inline),
    rows with Excel's extra attributes. ``rich``: that text becomes a rich-text run with a phonetic
    guide, as typed in Excel with part of the cell in bold."""
    source = zipfile.ZipFile(BytesIO(content))
    out = BytesIO()
    strings: dict[str, int] = {}

    def shared(m: re.Match[str]) -> str:
        index = strings.setdefault(m.group(3), len(strings))
        return f'<c r="{m.group(1)}"{m.group(2) or ""} t="s"><v>{index}</v></c>'

    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                text = re.sub(
                    r'<c r="([A-Z]+\d+)"( s="\d+")? t="inlineStr"><is><t(?: xml:space="preserve")?>(.*?)</t></is></c>',
                    shared,
                    data.decode(),
                )
                text = text.replace("<worksheet ", f'<worksheet xmlns:x14ac="{X14AC}" ', 1)
                data = text.replace('<row r="', '<row spans="1:16" x14ac:dyDescent="0.25" r="').encode()
            elif item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", SST_TYPE + b"</Types>")
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", SST_REL + b"</Relationships>")
            target.writestr(item, data)
        items = [
            '<si><r><rPr><b/></rPr><t>学员</t></r><r><t>1000</t></r><rPh sb="0" eb="1"><t>xue</t></rPh></si>'
            if s == rich
            else f"<si><t>{s}</t></si>"
            for s in strings
        ]
        target.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN_NS}">{"".join(items)}</sst>')
    return out.getvalue()


X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
SST_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)
SST_REL = (
    b'<Relationship Id="rId99" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)


def _odd_roster() -> bytes:
    # Every kind of cell a clerk's sheet holds: blanks, spaces, numbers typed as numbers, Excel dates,
    # 是/否 in other spellings, entities, a gap of empty rows, a cell far to the right.
    rows = fresh_rows(6)
    rows[0].update(phone=13800001234, hired_on=dt.date(2021, 3, 1), is_employee="Y")
    rows[1].update(name="  王&lt;五  ", employer="A&B <公司>", hired_on=dt.datetime(2021, 2, 3, 4, 5))
    rows[2].update(is_employee="", wants_work=None, hired_on="2021/01/02", is_transfer=True)
    rows[3].update(phone=1.38e10, post_occupation="6-31-01-03", is_student=1)
    content = roster_bytes([*rows[:4], {}, {}, *rows[4:]])
    wb = load_workbook(BytesIO(content))
    ws = wb.active
    assert ws is not None
    ws["Z20"] = "far"
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(roster_bytes(fresh_rows(30)), id="openpyxl-inline"),
        pytest.param(excel_layout(roster_bytes(fresh_rows(30))), id="excel-shared-strings"),
        pytest.param(excel_layout(roster_bytes([roster_row(1000)]), rich="学员1000"), id="rich-text"),
        pytest.param(_odd_roster(), id="odd-cells"),
        pytest.param(excel_layout(_odd_roster()), id="odd-cells-shared"),
    ],
)
def test_reader_gives_exactly_what_reading_with_openpyxl_gives(
    content: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a roster file as openpyxl, Excel or WPS writes it, when it is read (by calamine),
    fast = read_roster(content, max_rows=100)
    # then every typed row and every format problem is what reading it with openpyxl gives.
    monkeypatch.setattr(roster, "sheet_rows", roster._rows)
    reference = read_roster(content, max_rows=100)
    assert fast == reference
    assert fast.rows and not fast.fatal


def test_rich_text_reads_as_its_plain_text() -> None:
    content = excel_layout(roster_bytes([roster_row(1000)]), rich="学员1000")
    assert read_roster(content, max_rows=10).rows[0].name == "学员1000"


def test_a_file_calamine_refuses_is_read_by_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    # Given a reader that cannot open the file
    content = roster_bytes(fresh_rows(3))
    expected = read_roster(content, max_rows=10)

    class Refusing:
        @staticmethod
        def from_object(_: object) -> None:
            raise ValueError("not for calamine")

    monkeypatch.setattr(roster, "CalamineWorkbook", Refusing)
    # when it is read, then openpyxl reads it and the rows are the same.
    assert read_roster(content, max_rows=10) == expected


def test_a_broken_file_is_reported_as_unreadable() -> None:
    result = read_roster(b"PK\x03\x04 not really a workbook", max_rows=10)
    assert (result.fatal, result.rows) == ("无法读取文件：请上传用花名册模板填写的 .xlsx 文件", [])


def test_reader_reports_format_problems_row_by_row_left_to_right() -> None:
    rows = fresh_rows(3)
    rows[0].update(hired_on="明天", is_employee="也许")
    rows[2].update(phone="123", name="")
    result = read_roster(roster_bytes(rows), max_rows=10)
    assert [(p.row, p.field) for p in result.problems] == [
        (2, "是否企业职工"),
        (2, "入职日期"),
        (4, "姓名"),
        (4, "手机号"),
    ]


def test_person_events_carry_the_person_and_the_upload(world: World) -> None:
    # Given a roster of new persons, when it is accepted,
    job = _run(world, roster_bytes(fresh_rows(2)))
    # then each person's registration event names the person, the clerk and the upload.
    persons = {p.pk: p for p in Person.objects.filter(enrolments__training_class=job.training_class)}
    events = Event.objects.filter(action="person.registered", payload__roster_job=job.pk).order_by("id")
    clerk = world.users["institution"]
    assert [(e.object_type, int(e.object_id), e.object_label) for e in events] == [
        ("people.Person", pk, p.name) for pk, p in sorted(persons.items())
    ]
    first = events[0]
    assert (first.actor, first.actor_label, first.actor_role) == (clerk, clerk.label, "institution")
    assert (first.to_state, first.from_state) == ("registered", "")
    assert first.payload == {"roster_job": job.pk, "class": job.training_class.ref}
    assert (first.region_path, first.organisation_id) == (job.training_class.region.path, world.zz_school.pk)


@pytest.mark.parametrize("known", [False, True], ids=["new-persons", "with-history"])
def test_import_runs_as_many_statements_for_30_rows_as_for_5(
    world: World, known: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Set-based: no query, insert or audit write per row. Given two rosters of 5 and 30 rows (persons
    # with past enrolments or not), when each is checked and imported, then the statements are as many.
    # (The refused roster's rows are written alongside the check until it finds the problem: the writer
    # is made to finish first, so that how far it got does not depend on timing.)
    judge = facts.RosterInputs.violations

    def after_the_writer(self: facts.RosterInputs, *args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)
        return judge(self, *args, **kwargs)

    monkeypatch.setattr(facts.RosterInputs, "violations", after_the_writer)
    counts = []
    for n in (5, 30):
        rows = fresh_rows(n)
        if known:
            first = _run(world, roster_bytes(rows))
            services.class_submit(
                actor=world.users["institution"], training_class=first.training_class, today=APPLIED
            )
        tc = draft_class(world)
        job = services.roster_job_create(
            actor=world.users["institution"],
            training_class=tc,
            filename="花名册.xlsx",
            content=roster_bytes(rows),
        )
        with CaptureQueriesContext(connection) as queries:
            job = services.roster_job_run(job_id=job.pk, today=APPLIED)
        assert job.status == (RosterJob.Status.REFUSED if known else RosterJob.Status.ACCEPTED)
        counts.append(len(queries))
    assert counts[0] == counts[1]


@pytest.mark.parametrize("first", ["writer", "check"], ids=["rows-written-first", "problem-found-first"])
def test_a_problem_found_while_the_rows_are_written_leaves_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    # Given a roster whose only problem is a B01 check digit (no format problem: the rows are written
    # alongside the check), and either the writer or the check made to finish first
    rows = fresh_rows(40)
    good = rows[20]["id_number"]
    rows[20]["id_number"] = good[:-1] + ("0" if good[-1] != "0" else "1")
    if first == "writer":
        judge = facts.RosterInputs.violations

        def slow_judge(self: facts.RosterInputs, *args: Any, **kwargs: Any) -> Any:
            time.sleep(0.5)
            return judge(self, *args, **kwargs)

        monkeypatch.setattr(facts.RosterInputs, "violations", slow_judge)
    else:
        write = services._roster_write

        def slow_write(plan: Any, check: Any) -> int:
            time.sleep(0.5)
            return write(plan, check)

        monkeypatch.setattr(services, "_roster_write", slow_write)
    written = Event.objects.filter(action__in=["person.registered", "class.roster_replaced"])
    counts = (Person.objects.count(), Enrolment.objects.count(), written.count())
    # When the roster is checked,
    job = _run(world, roster_bytes(rows))
    # then it is refused naming row 22, and no person, row or their events remain.
    assert (job.status, [(p["row"], p["rule"]) for p in job.report]) == (
        RosterJob.Status.REFUSED,
        [(22, "B01")],
    )
    assert (Person.objects.count(), Enrolment.objects.count(), written.count()) == counts


def test_a_database_error_while_writing_fails_the_job_and_imports_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a roster without problems, and the same new person registered by another import at the
    # same moment (the unique ID number refuses the second insert)
    def clash(plan: Any, check: Any) -> int:
        raise IntegrityError('duplicate key value violates unique constraint "person_id_number_unique"')

    monkeypatch.setattr(services, "_roster_write", clash)
    # When it is run, then the job fails with a message the clerk can act on, and nothing is imported.
    job = _run(world, roster_bytes(fresh_rows(5)))
    assert (job.status, job.message) == (
        RosterJob.Status.FAILED,
        "保存花名册时与其他操作冲突（如同一学员正由另一花名册登记），未导入任何一行，请重新上传。",
    )
    assert Enrolment.objects.count() == 0


def test_a_bug_in_the_writer_is_not_swallowed(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(plan: Any, check: Any) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(services, "_roster_write", broken)
    # The task fails loudly (Celery records it) rather than reporting a roster it did not import.
    with pytest.raises(RuntimeError, match="a bug"):
        _run(world, roster_bytes(fresh_rows(5)))
    assert Enrolment.objects.count() == 0


def test_the_template_keeps_id_and_phone_as_text_and_explains_every_column() -> None:
    # Given the roster template a clerk downloads
    wb = load_workbook(BytesIO(roster.template_bytes()))
    sheet, guide = wb.worksheets
    headers = [c.value for c in sheet[1]]
    id_col, phone_col = headers.index("身份证号") + 1, headers.index("手机号") + 1
    # Then the ID and phone columns are text (Excel's "@") down to row 1001, so typed digits stay digits
    for col in (id_col, phone_col):
        assert {sheet.cell(row=r, column=col).number_format for r in range(2, 1002)} == {"@"}
    assert sheet.cell(row=2, column=headers.index("姓名") + 1).number_format == "General"
    # And the sample row is plainly a sample, with a number no demo or test person has
    sample = dict(zip(headers, [c.value for c in sheet[2]], strict=True))
    assert sample["姓名"] == "示例：张三（导入前请删除本行）"
    assert sample["身份证号"] == roster.SAMPLE_ID == "110101200001010037"
    from jineng.demo import data as demo_data

    assert roster.SAMPLE_ID != demo_data.TRAINEE_ID
    # And the second sheet explains each column in the template's order
    assert guide.title == "填写说明"
    lines = [[c.value for c in row] for row in guide.iter_rows()]
    assert lines[0] == ["列", "必填", "填写要求", "示例"]
    assert [line[0] for line in lines[1:]] == headers
    assert lines[2] == [
        "身份证号",
        "是",
        "18位，末位可为X；本列已设为“文本”格式，请勿改为数字",
        roster.SAMPLE_ID,
    ]


def test_the_sample_row_left_in_is_refused_by_name() -> None:
    # Given the template uploaded with its sample row still in it, above one real trainee
    rows = [{c.attr: c.example for c in roster.COLUMNS}, *fresh_rows(1)]
    result = read_roster(roster_bytes(rows), max_rows=10)
    # Then the sample row is named, on its own row, as the template's sample
    assert [(p.row, p.field, p.message) for p in result.problems] == [
        (2, "姓名", "这是模板中的示例行，请删除后再上传")
    ]


def test_an_id_number_excel_turned_into_a_number_says_how_to_fix_the_column() -> None:
    # Given a roster typed into a General column: Excel stored the ID as a number and lost its last digits
    rows = fresh_rows(2)
    # (An ID ending in the check letter X is text in any Excel column: take one of digits only.)
    digits = next(r for r in fresh_rows(20) if r["id_number"].isdigit())
    rows[1]["id_number"] = float(digits["id_number"])
    result = read_roster(roster_bytes(rows), max_rows=10)
    # Then the problem names row 3 and the column, and says to make the column text, not "校验码错误"
    (problem,) = result.problems
    assert (problem.row, problem.field, problem.rule, problem.clause) == (3, "身份证号", "格式", "花名册模板")
    assert problem.message.startswith("身份证号被 Excel 存成了数字，后几位已丢失：请把该列设为“文本”格式")
