from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import Field

from jineng.people.models import Person
from jineng.people.selectors import id_number_for, phone_for


class PersonOut(Schema):
    id: int
    name: str
    id_number: str  # masked unless the viewer needs the whole number
    sex: str
    birth_date: dt.date
    phone: str
    region_id: int
    region: str

    @staticmethod
    def resolve_id_number(obj: Person, context: Any) -> str:
        return id_number_for(context["request"].user, obj)

    @staticmethod
    def resolve_phone(obj: Person, context: Any) -> str:
        return phone_for(context["request"].user, obj)

    @staticmethod
    def resolve_region(obj: Person) -> str:
        return obj.region.name


class PersonIn(Schema):
    id_number: str = Field(min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=32)
    region_id: int
    phone: str = ""
