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
    path("media/", views.media_list, name="media"),
    path("media/new/", views.media_new, name="media_new"),
    path("media/<int:item_id>/withdraw/", views.media_withdraw, name="media_withdraw"),
    path("competitions/", views.competition_list, name="competitions"),
    path("ledger/", views.ledger_list, name="ledger"),
    path("ledger/new/", views.ledger_new, name="ledger_new"),
    path("ledger/import/", views.ledger_import, name="ledger_import"),
    path("ledger/template.xlsx", views.ledger_template, name="ledger_template"),
    path("ledger/<int:entry_id>/withdraw/", views.ledger_withdraw, name="ledger_withdraw"),
    path("competitions/new/", views.competition_new, name="competition_new"),
    path(
        "competitions/<int:competition_id>/withdraw/", views.competition_withdraw, name="competition_withdraw"
    ),
    # H06 the reporting calendar
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/submit/", views.calendar_submit, name="calendar_submit"),
    path("calendar/approve/", views.calendar_approve, name="calendar_approve"),
    path("calendar/<int:report_id>/review/", views.calendar_review, name="calendar_review"),
    path("late/", views.late_list, name="late"),
]
