from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class StaffConfig(AppConfig):
    default = True
    name = "kazcms.staff"
    label = "staff"
    verbose_name = "Staff security"

    def ready(self):
        from . import audit  # noqa: F401 (connects the audit receivers)


class StaffAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with our site as ``admin.site`` so every admin view checks the policy."""

    default = False
    default_site = "kazcms.staff.sites.StaffAdminSite"
