from django.urls import path

from jineng.catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("", views.occupation_list, name="occupations"),
    path("occupations/<str:code>/", views.occupation_detail, name="occupation"),
    path("items/", views.item_list, name="items"),
    path("items/template/", views.item_template, name="item_template"),
    path("items/import/", views.item_import, name="item_import"),
    path("items/import/report/", views.item_import_report, name="item_import_report"),
    path("institutions/", views.institution_list, name="institutions"),
    path("institutions/<int:entry_id>/end/", views.institution_end, name="institution_end"),
    path("teachers/", views.teacher_list, name="teachers"),
    path("teachers/<int:teacher_id>/deactivate/", views.teacher_deactivate_view, name="teacher_deactivate"),
    path("workstations/", views.workstation_list, name="workstations"),
    path("platforms/", views.platform_list, name="platforms"),
    path("filings/", views.filing_list, name="filings"),
    path("filings/<int:filing_id>/end/", views.filing_end, name="filing_end"),
    path("filings/template/", views.filing_template, name="filing_template"),
    path("filings/import/", views.filing_import, name="filing_import"),
    path("status/", views.status_list, name="status"),
    path("status/<int:org_id>/", views.status_change, name="status_change"),
]
