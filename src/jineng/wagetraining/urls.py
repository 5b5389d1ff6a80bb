from django.urls import path

from jineng.wagetraining import views

app_name = "wagetraining"
urlpatterns = [
    path("", views.declaration_list, name="list"),
    path("new/", views.declaration_new, name="new"),
    path("template.xlsx", views.employees_template, name="template"),
    path("<int:declaration_id>/", views.declaration_detail, name="detail"),
    path("<int:declaration_id>/employees/", views.employees_import, name="employees"),
    path("<int:declaration_id>/months/", views.month_claim, name="months"),
    path("<int:declaration_id>/close/", views.declaration_close, name="close"),
]
