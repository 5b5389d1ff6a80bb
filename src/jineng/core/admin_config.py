from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    """django.contrib.admin with the platform operator's site as admin.site (see core.admin_mixins)."""

    default_site = "jineng.core.admin_mixins.OperatorAdminSite"
