"""Issue 12: the results workbook goes through the upload reader."""

from __future__ import annotations

import pytest

from jineng.assessment.services import results_workbook_read
from jineng.core.errors import Refusal
from jineng.core.tests import hostile


def test_results_beyond_the_limits_are_refused_naming_the_limit() -> None:
    with pytest.raises(Refusal) as caught:
        results_workbook_read(hostile.far_cell())
    assert caught.value.render() == (
        "“结果文件”：工作表实际使用的范围 A1:XFD1048576 超过上限（最多 100000 行、200 列、共 1000000 个单元格）"
    )


def test_a_file_that_is_no_workbook_keeps_its_message() -> None:
    with pytest.raises(Refusal) as caught:
        results_workbook_read(hostile.NOT_A_ZIP)
    assert caught.value.render() == "“结果文件”：无法读取文件：请上传由本页下载的 .xlsx 模板"
