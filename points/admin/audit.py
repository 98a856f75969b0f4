"""The points audit trail, read-only: on an entry's page (its own rows) and as a list
filtered by representative (a representative's whole trail), linked from the entry's page.

The representative's page belongs to the liaison admin, which knows nothing of points
(floors): the trail of their points is this list, filtered by them.
"""

from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from liaison.models import Activity, DutyDay, Representative
from liaison.paging import LongListAdminMixin
from liaison.people import display_name
from points import access
from points.admin.lists import SubquerySearchMixin, representatives_named
from points.admin.reports import ReadOnlyAdmin
from points.models import Attendance, PointAudit, PointEntry

# The model whose fields an audit row's before and after describe, by object kind.
MODELS = {
    PointAudit.Kind.ENTRY: PointEntry,
    PointAudit.Kind.ATTENDANCE: Attendance,
    PointAudit.Kind.ACTIVITY: Activity,
    PointAudit.Kind.DUTY_DAY: DutyDay,
}


def _value(field, value) -> str:
    if value is None:
        return "—"
    if value is True or value is False:
        return "✓" if value else "✗"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def describe_changes(row: PointAudit) -> str:
    """ "status: pending → approved; points: 0 → 5" in the user's language; for a row that
    made or removed its object, what it had. A rule shows by its name when the rows come
    ``with_rule_names()``, by its code otherwise."""
    model = MODELS.get(row.kind)
    fields = {f.name: f for f in model._meta.fields} if model else {}

    def shown(key, value, side):
        if key == "rule" and value:
            return getattr(row, f"rule_{side}_name", None) or str(value)
        return _value(fields.get(key), value)

    if row.before is None or row.after is None:
        side = "after" if row.before is None else "before"
        state = getattr(row, side) or {}
        parts = [f"{_label(fields, k)}: {shown(k, v, side)}" for k, v in state.items()]
    else:
        parts = [
            f"{_label(fields, k)}: {shown(k, b, 'before')} → {shown(k, a, 'after')}"
            for k, b, a in row.changes()
        ]
    return "; ".join(parts) or "—"


def _label(fields, key: str) -> str:
    field = fields.get(key)
    return str(field.verbose_name) if field is not None else key


def trail_url(representative_id: int) -> str:
    return reverse("admin:points_pointaudit_changelist") + f"?representative={representative_id}"


def audit_table(rows, *, representative_id: int | None):
    """An HTML table of audit rows (when, by, what, changes, note) and, for a representative,
    the link to their whole trail."""
    rows = list(rows)
    body = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
        (
            (
                timezone.localtime(row.created_at).strftime("%Y-%m-%d %H:%M"),
                display_name(row.actor) if row.actor else gettext("the system"),
                row.get_action_display(),
                describe_changes(row),
                row.note or "",
            )
            for row in rows
        ),
    )
    table = (
        format_html(
            "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"
            "</thead><tbody>{}</tbody></table>",
            gettext("when"),
            gettext("by"),
            gettext("action"),
            gettext("before → after"),
            gettext("note"),
            body,
        )
        if rows
        else "—"
    )
    if representative_id is None:
        return table
    return format_html(
        '{}<p><a href="{}">{}</a></p>',
        table,
        trail_url(representative_id),
        gettext("All changes to this representative's points"),
    )


class RepresentativeFilter(admin.SimpleListFilter):
    """By representative, reached from an entry's page: only the chosen one is named, so
    the list never loads the whole county's names."""

    title = _("representative")
    parameter_name = "representative"

    def lookups(self, request, model_admin):
        value = self.value()
        if not value or not value.isdigit():
            return []
        name = Representative.objects.filter(pk=value).values_list("name", flat=True).first()
        return [(value, name)] if name else []

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(representative_id=value)
        return queryset


@admin.register(PointAudit)
class PointAuditAdmin(LongListAdminMixin, SubquerySearchMixin, ReadOnlyAdmin):
    """Every change to points data, newest first; never changed or deleted."""

    list_display = [
        "created_at",
        "actor_display",
        "action",
        "kind",
        "object_id",
        "representative",
        "changes_display",
        "note",
    ]
    list_filter = [RepresentativeFilter, "action", "kind"]
    search_fields = ["representative__name"]
    search_help_text = _("The representative's name.")
    # The actor's representative too: people are shown by name (liaison.people.display_name).
    list_select_related = ["representative", "actor", "actor__representative"]
    list_per_page = 100
    # A row's page shows what its line in the list shows, read-only.
    fields = readonly_fields = list_display

    def get_queryset(self, request):
        rows = super().get_queryset(request).with_rule_names()
        return access.limit_to_representatives(request.user, rows)

    def search_q(self, word):
        return Q(representative__in=representatives_named(word))

    @admin.display(description=_("by"))
    def actor_display(self, obj):
        return display_name(obj.actor) if obj.actor else gettext("the system")

    @admin.display(description=_("before → after"))
    def changes_display(self, obj):
        return describe_changes(obj)


# The representative's admin page belongs to liaison, which knows nothing of points (floors).
# Points, which may know liaison, adds the trail there: the latest changes to the
# representative's points and the link to all of them.
REPRESENTATIVE_TRAIL_ROWS = 20
LiaisonRepresentativeAdmin = type(admin.site._registry[Representative])


class RepresentativeAdmin(LiaisonRepresentativeAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self._shows_trail(request, obj):
            fields.append("points_trail")
        return fields

    @staticmethod
    def _shows_trail(request, obj) -> bool:
        """Only staff who may read the trail, and only for a representative whose points
        they cover (town staff: their town's). Asked several times a request: one query."""
        cache = request.__dict__.setdefault("_points_trail_shown", {})
        if obj.pk not in cache:
            cache[obj.pk] = (
                request.user.has_perm("points.view_pointaudit")
                and access.representatives_for(request.user).filter(pk=obj.pk).exists()
            )
        return cache[obj.pk]

    @admin.display(description=_("changes to the points"))
    def points_trail(self, obj):
        rows = (
            PointAudit.objects.with_rule_names()
            .filter(representative=obj)
            .select_related("actor", "actor__representative")
            .order_by("-created_at", "-pk")[:REPRESENTATIVE_TRAIL_ROWS]
        )
        return audit_table(rows, representative_id=obj.pk)


admin.site.unregister(Representative)
admin.site.register(Representative, RepresentativeAdmin)
