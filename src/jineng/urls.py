from django.contrib import admin
from django.urls import include, path

from jineng.api import api
from jineng.core import views as core_views

urlpatterns = [
    path("", include("jineng.core.urls")),
    path("", include("jineng.home.urls")),
    path("regions/", include("jineng.regions.urls")),
    path("orgs/", include("jineng.orgs.urls")),
    path("people/", include("jineng.people.urls")),
    path("calendar/", include("jineng.workcal.urls")),
    path("audit/", include("jineng.audit.urls")),
    path("catalogue/", include("jineng.catalogue.urls")),
    path("classes/", include("jineng.training.urls")),
    path("supervision/", include("jineng.supervision.urls")),
    path("assessment/", include("jineng.assessment.urls")),
    path("certificates/", include("jineng.certificates.urls")),
    path("signoffs/", include("jineng.signoffs.urls")),
    path("vouchers/", include("jineng.vouchers.urls")),
    path("yigong/", include("jineng.wagetraining.urls")),
    path("grants/", include("jineng.grants.urls")),
    path("evaluation/", include("jineng.evalsubsidy.urls")),
    path("apprenticeship/", include("jineng.apprenticeship.urls")),
    path("ledger/", include("jineng.ledger.urls")),
    path("claims/", include("jineng.claims.urls")),
    path("recovery/", include("jineng.recovery.urls")),
    path("targets/", include("jineng.targets.urls")),
    path("progress/", include("jineng.progress.urls")),
    path("appraisal/", include("jineng.appraisal.urls")),
    path("online/", include("jineng.online.urls")),
    path("account/", include("jineng.accounts.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = core_views.bad_request
handler403 = core_views.forbidden
handler404 = core_views.not_found
handler500 = core_views.server_error
