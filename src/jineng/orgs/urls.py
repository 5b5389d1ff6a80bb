from django.urls import path

from jineng.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.org_list, name="list"),
    path("new/", views.org_new, name="new"),
    path("<int:org_id>/", views.org_detail, name="detail"),
    path("<int:org_id>/edit/", views.org_edit, name="edit"),
    path("sanctions/", views.sanction_list, name="sanctions"),
    path("<int:org_id>/sanctions/", views.sanction_new, name="sanction_new"),
    path("sanctions/<int:sanction_id>/lift/", views.sanction_lift, name="sanction_lift"),
    path("<int:org_id>/school-record/", views.school_record_add, name="school_record"),
]
