from django.urls import path

from jineng.apprenticeship import views

app_name = "apprenticeship"
urlpatterns = [
    path("", views.cohort_list, name="list"),
    path("new/", views.cohort_new, name="new"),
    path("template.xlsx", views.template, name="template"),
    path("<int:cohort_id>/", views.cohort_detail, name="detail"),
    path("<int:cohort_id>/import/", views.apprentices_import, name="import"),
    path("<int:cohort_id>/complete/", views.cohort_complete, name="complete"),
    path("<int:cohort_id>/stages/<int:stage>/claim/", views.stage_claim, name="claim"),
    path("<int:cohort_id>/apprentices/<int:apprentice_id>/leave/", views.apprentice_leave, name="leave"),
    path(
        "<int:cohort_id>/apprentices/<int:apprentice_id>/certify/", views.apprentice_certify, name="certify"
    ),
]
