from django.urls import path

from jineng.targets import views

app_name = "targets"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("import/", views.plan_import, name="import"),
    path("imports/<int:import_id>/", views.import_result, name="import_result"),
    path("imports/<int:import_id>/report.xlsx", views.import_report, name="import_report"),
    path("template/<str:layout>.xlsx", views.template, name="template"),
    path("rows/<int:target_id>/province/", views.province_set, name="province_set"),
    path("programmes/", views.programme_progress, name="programmes"),
]
