from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from jineng.core.admin_mixins import AuditedAdmin
from jineng.policy.workdays import PACKAGE_FIRST_YEAR, PACKAGE_LAST_YEAR
from jineng.workcal.models import CalendarDay, CalendarYear


class CalendarYearForm(ModelForm):
    class Meta:
        model = CalendarYear
        fields = ("year", "source")

    def clean_year(self) -> int:
        year = int(self.cleaned_data["year"])
        if PACKAGE_FIRST_YEAR <= year <= PACKAGE_LAST_YEAR:
            raise ValidationError(f"{year} 年已由 chinese-calendar 收录，无需录入")
        return year


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 10


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    form = CalendarYearForm
    inlines = [CalendarDayInline]
    list_display = ("year", "source", "entered_at")
