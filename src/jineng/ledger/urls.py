from django.urls import path

from jineng.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.index, name="index"),
    path("entries/", views.entries, name="entries"),
    path("budgets/", views.budgets, name="budgets"),
]
