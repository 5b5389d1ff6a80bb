from __future__ import annotations

from ninja import Schema


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    region: str | None
    department: str | None
    organisation: str | None
    capabilities: list[str]
