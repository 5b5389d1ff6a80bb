"""A refusal: what a service raises when the request is understood but not allowed.

Pages show it in a message box, the API returns it in the error envelope with status 422, and both
name the field, and where a policy rule is behind it, the rule ID and the clause.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder

from jineng.policy.violations import Violation


def error_envelope(status: int, code: str, message: str, details: Any = None) -> HttpResponse:
    """The API's one error body, {"code", "message", "details"}, rendered as django-ninja renders every
    response; here, below the apps, so that an app's API and the project's handlers share it."""
    body = {"code": code, "message": message, "details": details or []}
    return HttpResponse(
        json.dumps(body, cls=NinjaJSONEncoder), status=status, content_type="application/json; charset=utf-8"
    )


class Refusal(Exception):
    def __init__(
        self,
        message: str,
        *,
        field: str = "",
        value: str = "",
        rule: str = "",
        clause: str = "",
        violations: list[Violation] | None = None,
    ) -> None:
        self.message = message
        self.field = field
        self.value = value
        self.rule = rule
        self.clause = clause
        self.violations = violations or []
        super().__init__(self.render())

    @classmethod
    def from_violations(cls, message: str, violations: list[Violation]) -> Refusal:
        return cls(message, violations=violations)

    def render(self) -> str:
        text = f"“{self.field}”：{self.message}" if self.field else self.message
        if self.rule:
            text += f"（规则 {self.rule}" + (f"，依据 {self.clause}" if self.clause else "") + "）"
        return text

    def details(self) -> list[dict[str, object]]:
        if self.violations:
            return [
                {
                    "row": v.row,
                    "field": v.field,
                    "value": v.value,
                    "rule": v.rule,
                    "clause": v.clause,
                    "message": v.render(),
                }
                for v in self.violations
            ]
        return [{"field": self.field, "value": self.value, "rule": self.rule, "clause": self.clause}]
