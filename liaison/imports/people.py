"""Representatives and the stations they sit at."""

import re

from django.utils.translation import gettext_lazy as _
from import_export import fields

from liaison.imports.base import CountyResource, _active_field
from liaison.imports.widgets import ChoiceWidget, PhoneWidget, TextWidget
from liaison.models import MobileView, Representative, Station, StationMembership
from liaison.privacy import may_see_full_phone
from liaison.roles import roles_for

# A representative's seats, one per line: "station | role | duty hours", the role and the
# hours optional (a plain member, no fixed hours). A cell typed without line breaks may
# separate seats with ；instead; a cell with line breaks keeps ；for the hours' own text.
LINE_BREAKS = re.compile(r"[\r\n]+")
SEMICOLONS = re.compile(r"[;；]+")
PART_SEPARATORS = re.compile(r"[|｜]")


def _seat_entries(value) -> list[str]:
    text = "" if value is None else str(value)
    return LINE_BREAKS.split(text) if LINE_BREAKS.search(text) else SEMICOLONS.split(text)


class SeatsField(fields.Field):
    """The stations a representative sits at (StationMembership rows), in one cell."""

    def get_value(self, instance):
        if instance.pk is None:
            return ""
        lines = [
            " | ".join(
                part for part in (m.station.name, str(m.get_role_display()), m.duty_hours) if part
            )
            for m in sorted(instance.memberships.all(), key=lambda m: m.station.name)
        ]
        text = "\n".join(lines)
        if len(lines) == 1 and SEMICOLONS.search(text):
            text += "\n"  # a line break: the ；belongs to the hours, not between seats
        return text

    def export(self, instance, **kwargs):
        return self.get_value(instance)

    def save(self, instance, row, is_m2m=False, **kwargs):
        # Seats are rows of their own: written once the representative is saved
        # (RepresentativeResource.after_save_instance).
        pass


def parse_seats(text: str):
    """``[(station, role, duty_hours)]`` from a cell, or ValueError with every problem."""
    seats, problems, names = [], [], set()
    for entry in _seat_entries(text):
        parts = [p.strip() for p in PART_SEPARATORS.split(entry)]
        if not parts[0]:
            continue
        name, role_text, hours = (parts + ["", ""])[:3]
        if len(parts) > 3:
            problems.append(_("“%(entry)s” has more than three parts.") % {"entry": entry})
            continue
        station = Station.objects.filter(name=name).first()
        if station is None:
            problems.append(
                _("There is no station named “%(name)s”: import stations first.") % {"name": name}
            )
            continue
        if name in names:
            problems.append(_("“%(name)s” is listed twice.") % {"name": name})
            continue
        names.add(name)
        role = StationMembership.Role.MEMBER
        if role_text:
            try:
                role = ChoiceWidget(StationMembership.Role, _("station role")).clean(role_text)
            except ValueError as e:
                problems.append(str(e))
                continue
        seats.append((station, role, hours))
    if problems:
        raise ValueError(" ".join(str(p) for p in problems))
    return seats


class RepresentativeResource(CountyResource):
    what = _("representative")
    name = fields.Field(attribute="name", column_name=_("full name"), widget=TextWidget())
    level = fields.Field(
        attribute="level",
        column_name=_("level"),
        widget=ChoiceWidget(Representative.Level, _("level")),
    )
    gender = fields.Field(
        attribute="gender",
        column_name=_("gender"),
        widget=ChoiceWidget(Representative.Gender, _("gender")),
    )
    term = fields.Field(attribute="term", column_name=_("term (届次)"), widget=TextWidget())
    occupation = fields.Field(
        attribute="occupation", column_name=_("unit and post"), widget=TextWidget()
    )
    bio = fields.Field(attribute="bio", column_name=_("public biography"), widget=TextWidget())
    mobile = fields.Field(
        attribute="mobile", column_name=_("private mobile phone"), widget=PhoneWidget()
    )
    seats = SeatsField(column_name=_("stations"))
    is_active = _active_field()
    notes = {
        "name": _("Required. Name and level together find the representative again."),
        "level": _("Required. One of: %(choices)s."),
        "gender": _("Required. One of: %(choices)s."),
        "term": _("Required. For example 第十九届."),
        "occupation": _("Unit and post, as printed on the public page."),
        "bio": _("Shown on the public page."),
        "mobile": _(
            "11 digits. Personal data: never shown publicly, and exported only for county staff."
        ),
        "seats": _(
            "One station per line: station name | role | duty hours, for example "
            "“石瓮社区人大代表联络站 | 站长 | 每月15日 9:00–12:00”. Role and hours may be left out "
            "(a station representative). Roles: %(roles)s. Blank: sits at no station."
        ),
        "is_active": _("是 or 否; blank means 是."),
    }
    example = {
        "name": "王春和",
        "level": Representative.Level.COUNTY,
        "gender": Representative.Gender.MALE,
        "term": "第十九届",
        "occupation": "村党支部书记",
        "mobile": "13900000000",
        "seats": "下梁镇石瓮社区人大代表联络站 | 站长 | 每月15日 9:00–12:00",
    }

    class Meta:
        model = Representative
        fields = (
            "name",
            "level",
            "gender",
            "term",
            "occupation",
            "bio",
            "mobile",
            "seats",
            "is_active",
        )
        import_id_fields = ("name", "level")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def __init__(self, *, viewer=None, **kwargs):
        super().__init__(viewer=viewer, **kwargs)
        # The full number only for a viewer who may see it (an export by county staff);
        # the import preview shows it masked.
        full = viewer is not None and may_see_full_phone(roles_for(viewer))
        self.fields["mobile"].widget = PhoneWidget(full=full)
        self._seats = {}

    def check_row(self, instance, row, *, errors, row_number=None, **kwargs):
        found = super().check_row(instance, row, errors=errors, row_number=row_number, **kwargs)
        column = str(self.fields["seats"].column_name)
        if column in row:
            try:
                self._seats[row_number] = parse_seats(row[column])
            except ValueError as e:
                found["seats"] = [str(e)]
        return found

    @staticmethod
    def _seat_set(seats):
        return {(station.pk, role, hours) for station, role, hours in seats}

    def _current_seats(self, instance):
        if instance.pk is None:
            return set()
        return set(instance.memberships.values_list("station_id", "role", "duty_hours"))

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not super().skip_row(instance, original, row, import_validation_errors):
            return False
        seats = self._seats.get(self._row_number)
        return seats is None or self._seat_set(seats) == self._current_seats(original)

    def import_row(self, row, instance_loader, **kwargs):
        # skip_row and after_save_instance are not told the row's number.
        self._row_number = kwargs.get("row_number")
        return super().import_row(row, instance_loader, **kwargs)

    def after_save_instance(self, instance, row, **kwargs):
        seats = self._seats.get(kwargs.get("row_number"))
        if seats is None:
            return  # no "stations" column: the seats stay as they are
        wanted = {station.pk: (role, hours) for station, role, hours in seats}
        current = {m.station_id: m for m in instance.memberships.all()}
        for station_id, membership in current.items():
            if station_id not in wanted:
                membership.delete()
            elif (membership.role, membership.duty_hours) != wanted[station_id]:
                membership.role, membership.duty_hours = wanted[station_id]
                membership.save(update_fields=["role", "duty_hours"])
        StationMembership.objects.bulk_create(
            StationMembership(
                station_id=station_id, representative=instance, role=role, duty_hours=hours
            )
            for station_id, (role, hours) in wanted.items()
            if station_id not in current
        )

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related(None).prefetch_related("memberships__station")

    def after_export(self, queryset, dataset, **kwargs):
        # Each full number shown is recorded (个人信息保护法), one row per representative.
        if self.fields["mobile"].widget.full:
            MobileView.objects.bulk_create(
                MobileView(user=self.viewer, representative=rep, where="spreadsheet export")
                for rep in queryset
                if rep.mobile
            )
