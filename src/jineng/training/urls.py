from django.urls import path

from jineng.training import views

app_name = "training"
urlpatterns = [
    path("", views.class_list, name="list"),
    path("queue/", views.class_queue, name="queue"),
    path("new/", views.class_new, name="new"),
    path("roster-template.xlsx", views.roster_template, name="roster_template"),
    path("roster-jobs/<int:job_id>/", views.roster_job, name="roster_job"),
    path("roster-jobs/<int:job_id>/report.xlsx", views.roster_job_report, name="roster_job_report"),
    path("<int:class_id>/", views.class_detail, name="detail"),
    path("<int:class_id>/edit/", views.class_edit, name="edit"),
    path("<int:class_id>/roster/", views.roster_upload, name="roster_upload"),
    path("<int:class_id>/submit/", views.class_submit, name="submit"),
    path("<int:class_id>/review/", views.class_review, name="review"),
    path("<int:class_id>/withdraw/", views.class_withdraw, name="withdraw"),
    path("<int:class_id>/groups/confirm/", views.class_groups_confirm, name="groups_confirm"),
    path("<int:class_id>/cancel/", views.class_cancel, name="cancel"),
]
