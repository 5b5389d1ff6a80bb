from django.urls import path

from jineng.progress import views

app_name = "progress"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("refresh/", views.refresh, name="refresh"),
    path("reports/", views.report_list, name="reports"),
    path("reports/submit/", views.report_submit, name="report_submit"),
    path("reports/approve/", views.report_approve, name="report_approve"),
    path("reports/<int:report_id>/", views.report_detail, name="report"),
    path("bulletins/issue/", views.bulletin_issue, name="bulletin_issue"),
    path("bulletins/<int:bulletin_id>/", views.bulletin_detail, name="bulletin"),
]
