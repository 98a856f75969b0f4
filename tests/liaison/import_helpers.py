"""Driving the administration's spreadsheet import and export as staff do: export a table,
upload a file for the dry run, confirm it; and what a county's tables hold, field by field."""

import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from liaison.models import HandlingUnit, Representative, Station, Town, Village
from tests.helpers import admin_url, in_site_language

# The five tables, in the order a county loads them.
LOAD_ORDER = [
    "liaison.Town",
    "liaison.HandlingUnit",
    "liaison.Village",
    "liaison.Station",
    "liaison.Representative",
]
XLSX = "0"  # the first format offered (XLSX, then CSV)
CSV = "1"


def xlsx(headers, rows) -> bytes:
    return tablib.Dataset(*rows, headers=headers).export("xlsx")


def read_xlsx(data: bytes) -> tablib.Dataset:
    return tablib.Dataset().load(data, format="xlsx")


def export(client, label: str) -> bytes:
    response = client.post(admin_url(label, "export"), {"format": XLSX, "resource": "0"})
    assert response.status_code == 200, response.content[:500]
    return response.content


def preview(client, label: str, data: bytes, name="county.xlsx", fmt=XLSX):
    """The dry run's page for ``data``."""
    return client.post(
        admin_url(label, "import"),
        {"resource": "0", "format": fmt, "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, label: str, previewed):
    """Press "Confirm import" on a preview page."""
    form = previewed.context["confirm_form"]
    return client.post(admin_url(label, "process_import"), form.initial)


def load(client, label: str, data: bytes):
    previewed = preview(client, label, data)
    assert previewed.status_code == 200
    assert previewed.context.get("confirm_form") is not None, previewed.context.get("problems")
    response = confirm(client, label, previewed)
    assert response.status_code == 302, response.content[:500]
    return previewed.context["result"]


def template_url(label: str) -> str:
    return admin_url(label, "import_template")


def process_import_url(label: str) -> str:
    return admin_url(label, "process_import")


def qr_png_url(rep: Representative) -> str:
    return reverse("liaison:representative_qr", args=[rep.qr_token, "png"])


def county_tables() -> dict:
    """Everything the five tables hold, by natural keys (no ids, no tokens)."""
    return {
        "towns": sorted(Town.objects.values_list("name", "kind", "order")),
        "units": sorted(
            (u.name, u.kind, u.town.name if u.town else "", u.email, u.is_active)
            for u in HandlingUnit.objects.select_related("town")
        ),
        "villages": sorted(Village.objects.values_list("town__name", "name", "kind")),
        "stations": sorted(
            (
                s.name,
                s.slug,
                s.kind,
                s.town.name,
                s.village.name if s.village else "",
                s.sector,
                s.address,
                s.opening_hours,
                s.contact_phone,
                s.feature,
                s.has_legal_service_room,
                s.is_active,
            )
            for s in Station.objects.select_related("town", "village")
        ),
        "representatives": sorted(
            (
                r.name,
                r.level,
                r.gender,
                r.term,
                r.occupation,
                r.bio,
                r.mobile,
                r.is_active,
                tuple(
                    sorted(
                        (m.station.name, m.role, m.duty_hours)
                        for m in r.memberships.select_related("station")
                    )
                ),
            )
            for r in Representative.objects.all()
        ),
    }


def sheet(resource_class, *rows: dict) -> bytes:
    """An XLSX of ``rows`` ({field name: cell}) under ``resource_class``'s Chinese headers,
    every column present, blank where a row says nothing."""
    resource = resource_class()
    names = list(resource.get_import_order())
    headers = [in_site_language(resource.fields[n].column_name) for n in names]
    return xlsx(headers, [[row.get(n, "") for n in names] for row in rows])
