"""Excel export bench: ``core.xlsx.workbook_bytes`` (every export of the product) against openpyxl
writing the same rows with nothing of ours on top (no text marking, no widths), in the same run.

    cd /work/main && .venv/bin/python bench/xlsx_export.py [--rows 10000]

Prints seconds and rows/s of each and the ratio ours/raw. Before the fix of December 2026 the export
reached each new row through ``ws[ws.max_row]``, which scans the whole sheet: quadratic (2.2 s for 2,000
rows, 111 s for 10,000).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jineng.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    import django

    django.setup()
    from openpyxl import Workbook

    from jineng.core.xlsx import workbook_bytes

    headers = ["姓名", "身份证号", "开班编号", "职业", "金额（元）", "日期", "备注"]
    rows = [
        [
            f"学员{i}",
            f"41010519800101{i % 10000:04d}",
            f"ZZ2021{i:06d}",
            "电工",
            2000 + i % 7,
            "2021-07-09",
            "=1+1",
        ]
        for i in range(args.rows)
    ]

    started = time.perf_counter()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(BytesIO())
    raw = time.perf_counter() - started

    started = time.perf_counter()
    workbook_bytes("导出", headers, rows)
    ours = time.perf_counter() - started

    print(f"rows {args.rows:,}")
    print(f"raw openpyxl   {raw:7.2f} s  {args.rows / raw:9,.0f} rows/s")
    print(f"workbook_bytes {ours:7.2f} s  {args.rows / ours:9,.0f} rows/s  ours/raw {ours / raw:.2f}×")


if __name__ == "__main__":
    main()
