"""Handling units, towns, villages and stations."""

import secrets

from django.utils.translation import gettext_lazy as _
from import_export import fields

from liaison.imports.base import CountyResource, _active_field, _name_field, _town_field
from liaison.imports.widgets import (
    ChoiceWidget,
    IntegerWidget,
    OptionalTextWidget,
    TextWidget,
    VillageWidget,
    YesNoWidget,
)
from liaison.models import HandlingUnit, Station, Town, Village


class HandlingUnitResource(CountyResource):
    what = _("handling unit")
    name = _name_field()
    kind = fields.Field(
        attribute="kind",
        column_name=_("kind"),
        widget=ChoiceWidget(HandlingUnit.Kind, _("unit kind")),
    )
    town = _town_field(required=False)
    email = fields.Field(
        attribute="email", column_name=_("notification e-mail"), widget=TextWidget()
    )
    is_active = _active_field()
    export_select_related = ("town",)
    notes = {
        "name": _("Required. The unit's full name, unique in the county."),
        "kind": _("Required. One of: %(choices)s."),
        "town": _("Only for a town government: its town (import towns first)."),
        "email": _("Where notices of new assignments go; may be blank."),
        "is_active": _("是 or 否; blank means 是."),
    }
    example = {"name": "柞水县交通运输局", "kind": HandlingUnit.Kind.COUNTY_DEPARTMENT}

    class Meta:
        model = HandlingUnit
        fields = ("name", "kind", "town", "email", "is_active")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def check_row(self, instance, row, *, errors, **kwargs):
        found = super().check_row(instance, row, errors=errors, **kwargs)
        is_town_government = instance.kind == HandlingUnit.Kind.TOWN_GOVERNMENT
        if "town" not in errors and is_town_government != (instance.town_id is not None):
            found["town"] = [_("A town government names its town; no other unit does.")]
        return found


class TownResource(CountyResource):
    what = _("town")
    name = _name_field()
    kind = fields.Field(
        attribute="kind", column_name=_("kind"), widget=ChoiceWidget(Town.Kind, _("town kind"))
    )
    order = fields.Field(
        attribute="order",
        column_name=_("display order"),
        widget=IntegerWidget(),
        saves_null_values=False,
    )
    notes = {
        "name": _("Required. For example 乾佑街道, 下梁镇; unique in the county."),
        "kind": _("Required. One of: %(choices)s."),
        "order": _("A whole number: towns are listed in this order. May be blank."),
    }
    example = {"name": "下梁镇", "kind": Town.Kind.TOWN, "order": 2}

    class Meta:
        model = Town
        fields = ("name", "kind", "order")
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class VillageResource(CountyResource):
    what = _("village or community")
    town = _town_field()
    name = _name_field()
    kind = fields.Field(
        attribute="kind",
        column_name=_("kind"),
        widget=ChoiceWidget(Village.Kind, _("village kind")),
    )
    export_select_related = ("town",)
    notes = {
        "town": _("Required. The town it belongs to (import towns first)."),
        "name": _("Required. Unique within its town."),
        "kind": _("Required. One of: %(choices)s."),
    }
    example = {"town": "下梁镇", "name": "石瓮社区", "kind": Village.Kind.COMMUNITY}

    class Meta:
        model = Village
        fields = ("town", "name", "kind")
        import_id_fields = ("town", "name")
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class StationResource(CountyResource):
    what = _("liaison station")
    name = _name_field()
    slug = fields.Field(
        attribute="slug",
        column_name=_("public slug"),
        widget=OptionalTextWidget(),
        saves_null_values=False,
    )
    kind = fields.Field(
        attribute="kind",
        column_name=_("kind"),
        widget=ChoiceWidget(Station.Kind, _("station kind")),
    )
    town = _town_field()
    village = fields.Field(
        attribute="village",
        column_name=_("village or community"),
        widget=VillageWidget(_("town or subdistrict")),
    )
    sector = fields.Field(
        attribute="sector",
        column_name=_("sector"),
        widget=ChoiceWidget(Station.Sector, _("sector")),
    )
    address = fields.Field(attribute="address", column_name=_("address"), widget=TextWidget())
    opening_hours = fields.Field(
        attribute="opening_hours", column_name=_("opening hours"), widget=TextWidget()
    )
    contact_phone = fields.Field(
        attribute="contact_phone", column_name=_("public contact phone"), widget=TextWidget()
    )
    feature = fields.Field(
        attribute="feature", column_name=_("station brand (一站一品牌)"), widget=TextWidget()
    )
    has_legal_service_room = fields.Field(
        attribute="has_legal_service_room",
        column_name=_("has a legal-service room"),
        widget=YesNoWidget(),
        saves_null_values=False,
    )
    legal_room_hours = fields.Field(
        attribute="legal_room_hours",
        column_name=_("legal-service room opening hours"),
        widget=TextWidget(),
    )
    is_active = _active_field()
    export_select_related = ("town", "village")
    notes = {
        "name": _("Required. The station's full name, unique in the county."),
        "slug": _(
            "The end of the public page's address (letters, digits, hyphens). Blank: one "
            "is made for a new station, an existing one keeps its own."
        ),
        "kind": _("Required. One of: %(choices)s."),
        "town": _("Required. The town it stands in (import towns first)."),
        "village": _("For a village station or point: its village, in that town."),
        "sector": _("Only for a professional station, and required there: %(choices)s."),
        "address": _("Where citizens find it."),
        "opening_hours": _("When it is open, as citizens should read it."),
        "contact_phone": _("An office line shown on the public page, never a private mobile."),
        "feature": _("Its own way of working, shown on its public page."),
        "has_legal_service_room": _("是 or 否; blank means 否."),
        "legal_room_hours": _("When its legal worker receives visitors, if it has the room."),
        "is_active": _("是 or 否; blank means 是."),
    }
    example = {
        "name": "下梁镇石瓮社区人大代表联络站",
        "slug": "shiweng",
        "kind": Station.Kind.COMMUNITY,
        "town": "下梁镇",
        "village": "石瓮社区",
        "address": "柞水县下梁镇石瓮社区党群服务中心",
        "opening_hours": "每月15日 9:00–12:00",
        "contact_phone": "0914-4321002",
        "has_legal_service_room": True,
        "legal_room_hours": "每周二、周四 9:00–12:00",
    }

    class Meta:
        model = Station
        fields = (
            "name",
            "slug",
            "kind",
            "town",
            "village",
            "sector",
            "address",
            "opening_hours",
            "contact_phone",
            "feature",
            "has_legal_service_room",
            "legal_room_hours",
            "is_active",
        )
        import_id_fields = ("name",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def check_row(self, instance, row, *, errors, **kwargs):
        found = super().check_row(instance, row, errors=errors, **kwargs)
        if not instance.slug:
            # A new station's public address; staff may give it a readable one later.
            instance.slug = f"zhan-{secrets.token_hex(4)}"
        if not {"kind", "sector"} & set(errors):
            professional = instance.kind == Station.Kind.PROFESSIONAL
            if professional and not instance.sector:
                found["sector"] = [_("A professional station needs its sector.")]
            elif instance.sector and not professional:
                found["sector"] = [_("Only a professional station has a sector.")]
        return found
