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


class AccountOut(Schema):
    """18.3: a staff or organisation account as its bureau's admin sees it."""

    id: int
    username: str
    display_name: str
    role: str
    role_label: str
    region_id: int | None
    region: str | None
    department_id: int | None
    organisation_id: int | None
    is_active: bool


class AccountIn(Schema):
    username: str
    display_name: str
    role: str
    region_id: int | None = None
    department_id: int | None = None
    organisation_id: int | None = None


class AccountOpened(Schema):
    account: AccountOut
    password: str  # the one-time password: returned once, never stored in the clear


class AccountPatch(Schema):
    display_name: str | None = None
    role: str | None = None
    region_id: int | None = None
    department_id: int | None = None
    organisation_id: int | None = None
    is_active: bool | None = None
