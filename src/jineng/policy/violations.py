"""What a rule returns when it is broken: enough for a Chinese refusal that names row, field, rule, clause."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Violation:
    rule: str  # e.g. "B01"
    clause: str  # e.g. "ZZ21 六(二)1"
    message: str  # Chinese, for the user
    field: str = ""  # the form field or column, in Chinese
    row: int | None = None  # 1-based spreadsheet row where it applies
    value: str = ""

    def render(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"第{self.row}行")
        if self.field:
            where.append(f"“{self.field}”")
        prefix = "".join(where)
        prefix = f"{prefix}：" if prefix else ""
        if not self.rule:  # a problem of the input that no rule names (a missing date, a duplicate row)
            return f"{prefix}{self.message}"
        return f"{prefix}{self.message}（规则 {self.rule}，依据 {self.clause}）"
