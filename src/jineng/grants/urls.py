from django.urls import path

from jineng.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.grant_list, name="list"),
    path("recognitions/", views.recognition_list, name="recognitions"),
    path("recognitions/new/", views.recognition_new, name="recognition_new"),
    path("apply/<int:recognition_id>/", views.grant_apply, name="apply"),
    path("template.xlsx", views.item_template, name="template"),
    path("<int:application_id>/", views.grant_detail, name="detail"),
    path("<int:application_id>/review/", views.grant_review, name="review"),
    path("<int:application_id>/withdraw/", views.grant_withdraw, name="withdraw"),
]
