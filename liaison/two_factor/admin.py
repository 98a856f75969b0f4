"""Resetting a person's second factor (a lost phone must not lock the county out): a list of
the authenticators, for county staff and superusers, with one action. Neither the secret
nor the recovery codes are shown to anyone: django-otp's own device pages, which show them,
are taken out of the administration."""

import contextlib

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from liaison.people import display_name
from liaison.two_factor import services
from liaison.two_factor.models import SecondFactor

for model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(model)


@admin.register(SecondFactor)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ["username", "person", "confirmed", "created_at", "last_used_at"]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__last_name", "user__first_name"]
    list_select_related = ["user__representative"]
    ordering = ["user__username", "pk"]
    actions = ["reset_second_factor"]
    show_full_result_count = False
    fields = ["username", "person", "confirmed", "created_at", "last_used_at"]
    readonly_fields = fields

    @admin.display(description=_("login"), ordering="user__username")
    def username(self, obj):
        return obj.user.get_username()

    @admin.display(description=_("person"))
    def person(self, obj):
        return display_name(obj.user)

    def _allowed(self, request) -> bool:
        # Asked on every admin page (the menu lists the models): read from the session, noted
        # at sign-in, so that it costs no query; the reset itself checks the rule afresh.
        if not hasattr(request, "session") or not hasattr(request.user, "is_verified"):
            return False  # a request that went through no middleware (a test's factory)
        return request.user.is_active and (
            services.requirement_for(request) == services.MUST and request.user.is_verified()
        )

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return False  # each person sets up their own phone

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the reset action is the one way, and it leaves an audit row

    def get_actions(self, request):
        # The action needs no model permission: who may reset whom is services.may_reset.
        actions = super().get_actions(request)
        if not self._allowed(request):
            return {}
        return actions

    @admin.action(description=_("Reset the second factor (lost phone)"))
    def reset_second_factor(self, request, queryset):
        done = refused = 0
        users = {device.user_id: device.user for device in queryset.select_related("user")}
        for user in users.values():
            if services.may_reset(request.user, user):
                services.second_factor_reset(user=user, actor=request.user)
                done += 1
            else:
                refused += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "Second factor reset for %(count)d person: at their next sign-in they set "
                    "up a new phone.",
                    "Second factor reset for %(count)d people: at their next sign-in they set "
                    "up a new phone.",
                    done,
                )
                % {"count": done},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d person was left as they were: nobody resets their own second "
                    "factor here, and only a superuser resets a superuser's.",
                    "%(count)d people were left as they were: nobody resets their own second "
                    "factor here, and only a superuser resets a superuser's.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )
