from django.contrib import admin

from jineng.audit.models import Event
from jineng.core.admin_mixins import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ("id", "at", "actor_label", "action", "object_label", "from_state", "to_state")
    search_fields = ("action", "object_label", "actor_label")
