from django.urls import path

from jineng.appraisal import views

app_name = "appraisal"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("compute/", views.review_compute, name="compute"),
    path("<int:review_id>/decide/", views.review_decide, name="decide"),
    path("classes/<int:class_id>/follow-ups/", views.follow_ups, name="follow_ups"),
    path("exited/", views.exited_public_page, name="exited"),
]
