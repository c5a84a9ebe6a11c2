"""What an Administrator does for a locked-out colleague or one who lost their phone."""

from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from articles.models import AuditEvent

from . import audit, second_factor

User = get_user_model()


@admin.action(
    description="Reset the second factor (lost phone): enrol again at next sign-in",
    permissions=["change"],
)
def reset_second_factor(modeladmin, request, queryset):
    for user in queryset:
        second_factor.reset(user, by=request.user, request=request)
    modeladmin.message_user(
        request,
        f"Second factor reset for {queryset.count()} account(s). They set up a new one at their "
        "next sign-in, after their password.",
        messages.SUCCESS,
    )


@admin.action(description="Unlock sign-in after failed attempts", permissions=["change"])
def unlock_sign_in(modeladmin, request, queryset):
    for user in queryset:
        axes_reset(username=user.get_username())
        audit.record(
            AuditEvent.Action.UNLOCKED, request.user, request, f"for {user.get_username()}"
        )
    modeladmin.message_user(request, f"Sign-in unlocked for {queryset.count()} account(s).")


admin.site.unregister(User)


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = [reset_second_factor, unlock_sign_in]


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class LockoutAdmin(AccessAttemptAdmin):
    """axes' failed-attempt list; deleting a row lifts that lock (by account or by address).

    Whoever may change accounts (Administrators) may see and lift lockouts.
    """

    def has_module_permission(self, request):
        return request.user.has_perm("auth.change_user")

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("auth.change_user")

    def delete_model(self, request, obj):
        self.record_unlock(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.record_unlock(request, list(queryset))
        super().delete_queryset(request, queryset)

    def record_unlock(self, request, attempts):
        for attempt in attempts:
            audit.record(
                AuditEvent.Action.UNLOCKED,
                request.user,
                request,
                f"for {attempt.username!r} at {attempt.ip_address}",
            )
