"""Issue 12: the voucher list goes through the upload reader."""

from __future__ import annotations

import pytest

from jineng.core.errors import Refusal
from jineng.core.tests import hostile
from jineng.vouchers.services import bulk_workbook_read


def test_a_voucher_list_beyond_the_limits_is_refused_naming_the_limit() -> None:
    with pytest.raises(Refusal) as caught:
        bulk_workbook_read(hostile.declared_everything())
    assert caught.value.render() == (
        "“发放名单”：文件声明的表格范围 A1:XFD1048576 超过上限（最多 100000 行、200 列、共 1000000 个单元格）"
    )
