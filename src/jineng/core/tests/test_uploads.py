"""Issue 12: every upload is checked against the limits before a parser sees it, with bounded memory.

The hostile files are built here (hostile.py). None of them is ever given to a parser in this
process: the memory test runs the readers in a child process with an address-space limit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile
from io import BytesIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from jineng.core import uploads
from jineng.core.errors import Refusal
from jineng.core.tests import hostile
from jineng.core.xlsx import workbook_bytes

LIMITS = "（最多 100000 行、200 列、共 1000000 个单元格）"


def _refusal(content: bytes) -> str:
    with pytest.raises(Refusal) as caught:
        uploads.xlsx_check(content)
    return caught.value.message


def test_a_declared_range_beyond_the_limits_is_refused_from_the_dimension() -> None:
    # Given a file of a few KB whose sheet declares A1:XFD1048576,
    content = hostile.declared_everything()
    assert len(content) < 3000
    # when it is checked, then it is refused by its declaration, naming the limits.
    assert _refusal(content) == f"文件声明的表格范围 A1:XFD1048576 超过上限{LIMITS}"


def test_a_far_cell_without_a_dimension_is_refused_by_the_real_extent() -> None:
    assert _refusal(hostile.far_cell()) == f"工作表实际使用的范围 A1:XFD1048576 超过上限{LIMITS}"


def test_a_far_cell_in_a_form_the_fast_scan_does_not_read_is_found_exactly() -> None:
    # Cells without r="" follow the one before; prefixed elements and single quotes are the same
    # cells to a parser. Each sheet here reaches column HB (210) in row 3.
    tail = "<c><v>1</v></c>" * 10
    sheets = [
        hostile.sheet_xml(f'<row r="3"><c r="GR3"><v>1</v></c>{tail}</row>'),
        hostile.sheet_xml("<row/><row/><row>" + "<c><v>1</v></c>" * 210 + "</row>"),
        hostile.sheet_xml("<row r='3'><c r='HB3'><v>1</v></c></row>"),
        hostile.sheet_xml('<row r="3"><c\nr="HB3"><v>1</v></c></row>'),
        (
            f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{hostile.MAIN}"><x:sheetData>'
            '<x:row r="3"><x:c r="HB3"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>'
        ),
    ]
    for sheet in sheets:
        assert _refusal(hostile.workbook(sheet)) == f"工作表实际使用的范围 A1:HB3 超过上限{LIMITS}"


def test_a_zip_bomb_is_refused_from_the_directory() -> None:
    # Given 300 MB of text in a file of about 300 KB,
    content = hostile.text_bomb(300)
    assert len(content) < 1_000_000
    # then the declared total is refused before anything is inflated.
    total = sum(i.file_size for i in zipfile.ZipFile(BytesIO(content)).infolist())
    assert _refusal(content) == f"文件解压后共 {total / 1e6:.1f} MB，超过上限 50 MB"


def test_a_member_that_compresses_a_hundredfold_is_refused() -> None:
    content = hostile.text_bomb(40)
    member = zipfile.ZipFile(BytesIO(content)).getinfo(hostile.BOMB)
    ratio = member.file_size / member.compress_size
    assert ratio > 100
    assert _refusal(content) == (
        f"文件中 xl/sharedStrings.xml 的压缩比为 {ratio:.0f} 倍，超过上限 100 倍（疑为压缩炸弹）"
    )


def test_a_bomb_whose_directory_lies_is_stopped_at_its_declared_size() -> None:
    assert _refusal(hostile.lying_bomb(300, declared=1000)) == (
        "文件中 xl/sharedStrings.xml 解压后超过其声明的大小（疑为压缩炸弹）"
    )


@override_settings(JINENG_UPLOAD_MAX_ROWS=50)
def test_too_many_rows_are_refused_naming_the_row_limit() -> None:
    assert uploads.xlsx_check(hostile.rows_sheet(50)).sheets[hostile.SHEET].rows == 50
    assert _refusal(hostile.rows_sheet(51)) == (
        "文件声明的表格范围 A1:B51 超过上限（最多 50 行、200 列、共 1000000 个单元格）"
    )


@override_settings(JINENG_UPLOAD_MAX_CELLS=1000)
def test_the_cell_limit_is_rows_times_columns() -> None:
    # 100 rows × 10 columns fit; 101 rows do not, though each limit alone would allow them.
    uploads.xlsx_check(hostile.rows_sheet(100, columns=10))
    assert _refusal(hostile.rows_sheet(101, columns=10)) == (
        "文件声明的表格范围 A1:J101 超过上限（最多 100000 行、200 列、共 1000 个单元格）"
    )


def test_a_dtd_and_a_utf16_part_are_refused() -> None:
    dtd = hostile.sheet_xml(hostile.inline("A1", "&e;")).replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY e "x">]><worksheet', 1
    )
    assert _refusal(hostile.workbook(dtd)) == (
        f"文件中 {hostile.SHEET} 含有 DTD 声明，不予读取（.xlsx 文件不使用 DTD）"
    )
    utf16 = hostile.sheet_xml("").replace("UTF-8", "UTF-16").encode("utf-16")
    assert _refusal(hostile.workbook(utf16)) == f"文件中 {hostile.SHEET} 不是 UTF-8 编码，无法读取"


def test_what_is_no_workbook_is_named_in_the_callers_words() -> None:
    for content in (hostile.NOT_A_ZIP, b"PK\x03\x04 not really a zip"):
        with pytest.raises(Refusal) as caught:
            uploads.xlsx_rows(content, unreadable="无法读取：请用模板", what="名单")
        assert (caught.value.message, caught.value.field) == ("无法读取：请用模板", "名单")
    with pytest.raises(Refusal) as caught:
        uploads.xlsx_rows(hostile.OLD_XLS, unreadable="无法读取：请用模板")
    assert caught.value.message == "不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后上传"


def test_a_genuine_workbook_is_read_whole() -> None:
    content = workbook_bytes(
        "名单", ["身份证号", "姓名"], [[f"4101051980010{i:05d}", "张伟"] for i in range(3)]
    )
    rows = uploads.xlsx_rows(content, unreadable="x")
    assert rows[0] == ("身份证号", "姓名") and rows[3] == ("410105198001000002", "张伟")


def test_an_upload_too_big_is_refused_before_it_is_read() -> None:
    class Big(SimpleUploadedFile):
        def read(self, *args: object) -> bytes:
            raise AssertionError("read")

    big = Big("a.xlsx", b"", content_type="application/octet-stream")
    big.size = 20_000_001
    with pytest.raises(Refusal) as caught:
        uploads.upload_bytes(big, what="名单")
    assert caught.value.render() == "“名单”：文件大小 20 MB 超过上限 20 MB"


# --- memory: the readers in a child process --------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import json, os, resource, sys
    # A safety net, not the measure: a reader that tried to take the machine dies here instead.
    resource.setrlimit(resource.RLIMIT_AS, (3_000_000_000, 3_000_000_000))
    import django
    django.setup()
    from jineng.core import uploads
    from jineng.core.errors import Refusal
    from jineng.training.roster import read_roster

    out = {}
    for path in sys.argv[1:]:
        content = open(path, "rb").read()
        name = os.path.basename(path)
        try:
            uploads.xlsx_rows(content, unreadable="unreadable")
            out[name + ":openpyxl"] = "read"
        except Refusal as exc:
            out[name + ":openpyxl"] = exc.message
        out[name + ":roster"] = read_roster(content, max_rows=20_000).fatal
        del content
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            out["peak_kb"] = int(line.split()[1])
    print(json.dumps(out, ensure_ascii=False))
    """
)


def test_the_hostile_files_are_refused_in_a_child_that_stays_under_300_mb(tmp_path: Path) -> None:
    files = {
        "declared.xlsx": hostile.declared_everything(),
        "far.xlsx": hostile.far_cell(),
        "bomb.xlsx": hostile.text_bomb(300),
        "lying.xlsx": hostile.lying_bomb(300),
        "csv.xlsx": hostile.NOT_A_ZIP,
    }
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), "DJANGO_SETTINGS_MODULE": "jineng.settings"}
    run = subprocess.run(
        [sys.executable, "-c", _CHILD, *(str(tmp_path / n) for n in files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    out = json.loads(run.stdout.strip().splitlines()[-1])
    assert out["declared.xlsx:roster"] == f"文件声明的表格范围 A1:XFD1048576 超过上限{LIMITS}"
    assert out["far.xlsx:openpyxl"] == f"工作表实际使用的范围 A1:XFD1048576 超过上限{LIMITS}"
    assert out["far.xlsx:roster"] == out["far.xlsx:openpyxl"]
    assert out["bomb.xlsx:roster"].startswith("文件解压后共 314.6 MB")
    assert out["lying.xlsx:roster"] == "文件中 xl/sharedStrings.xml 解压后超过其声明的大小（疑为压缩炸弹）"
    assert out["csv.xlsx:roster"] == "无法读取文件：请上传用花名册模板填写的 .xlsx 文件"
    assert out["csv.xlsx:openpyxl"] == "unreadable"
    print("child peak RSS", out["peak_kb"], "kB")
    assert out["peak_kb"] < 300_000, out
