"""Loading the real county from spreadsheets (issue #10): the demo county's own export,
imported into an empty database through the administration's dry run and confirmation,
reproduces it; importing it again changes nothing; a file with one bad row imports nothing
and names the row and the reason, in Chinese."""

import re

import pytest
import tablib
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.utils import timezone
from import_export.tmp_storages import TempFolderStorage

from demo.liaison import county_load
from demo.petitions import handling_units
from liaison.imports import (
    HandlingUnitResource,
    RepresentativeResource,
    StationResource,
    TownResource,
    VillageResource,
)
from liaison.models import (
    HandlingUnit,
    MobileView,
    Representative,
    RetiredQrToken,
    StaffScope,
    Station,
    StationMembership,
    StationRating,
    Town,
    Village,
)
from tests.base import (
    ensure_default_criteria,
    make_representative,
    make_staff,
    make_station,
    make_town,
    make_user,
    make_village,
)
from tests.helpers import admin_url, in_site_language, page_text
from tests.liaison.import_helpers import (
    CSV,
    LOAD_ORDER,
    XLSX,
    confirm,
    county_tables,
    export,
    load,
    preview,
    process_import_url,
    qr_png_url,
    read_xlsx,
    sheet,
    template_url,
    xlsx,
)
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

# Queries of an export through the admin, whatever the number of rows.
EXPORT_QUERIES = {
    # session, user, the rows (and the county staff's second-factor device)
    "liaison.Town": 3 + SECOND_FACTOR,
    # and the towns of the list's town filter, which the export reads as the list does
    "liaison.HandlingUnit": 4 + SECOND_FACTOR,
    "liaison.Village": 4 + SECOND_FACTOR,
    "liaison.Station": 4 + SECOND_FACTOR,
    # and the roles (scope, representative, units), the filter's towns, the seats'
    # prefetch, the insert of the mobile views
    "liaison.Representative": 10 + SECOND_FACTOR,
}


@pytest.fixture
def county():
    """The demo county's towns, villages, stations, representatives and handling units."""
    ensure_default_criteria()
    towns = county_load()
    handling_units(towns)


@pytest.fixture
def staff_client(client):
    client.force_login(make_user(superuser=True))
    return client


def _empty_the_five_tables():
    """Delete the county's tables in dependency order (what points at them first)."""
    MobileView.objects.all().delete()
    StationRating.objects.all().delete()
    StationMembership.objects.all().delete()
    Representative.objects.all().delete()
    HandlingUnit.objects.all().delete()
    StaffScope.objects.all().delete()
    Station.objects.all().delete()
    Village.objects.all().delete()
    Town.objects.all().delete()


# --- the round trip -------------------------------------------------------------------------


def test_the_demo_countys_export_imported_into_an_empty_database_reproduces_it(
    staff_client, county
):
    original = county_tables()
    assert len(original["representatives"]) > 140
    files = {label: export(staff_client, label) for label in LOAD_ORDER}
    _empty_the_five_tables()
    logged = LogEntry.objects.count()

    for label in LOAD_ORDER:
        result = load(staff_client, label, files[label])
        assert result.totals["new"] == len(read_xlsx(files[label]))

    assert county_tables() == original
    # One log entry per object made, as when staff add one by hand.
    made = sum(len(rows) for rows in original.values())
    assert LogEntry.objects.count() - logged == made
    assert set(LogEntry.objects.values_list("action_flag", flat=True)[logged:]) <= {ADDITION}
    # Every imported representative and station has its own QR code, and it opens.
    tokens = list(Representative.objects.values_list("qr_token", flat=True))
    tokens += list(Station.objects.values_list("qr_token", flat=True))
    assert all(tokens) and len(set(tokens)) == len(tokens)
    rep = Representative.objects.order_by("pk").first()
    assert staff_client.get(qr_png_url(rep))["Content-Type"] == "image/png"


def test_importing_the_same_files_again_changes_nothing(staff_client, county):
    files = {label: export(staff_client, label) for label in LOAD_ORDER}
    before = county_tables()
    tokens = dict(Representative.objects.values_list("pk", "qr_token"))
    station_tokens = dict(Station.objects.values_list("pk", "qr_token"))
    logged, retired = LogEntry.objects.count(), RetiredQrToken.objects.count()
    memberships = set(StationMembership.objects.values_list("pk", flat=True))

    for label in LOAD_ORDER:
        result = load(staff_client, label, files[label])
        assert result.totals["skip"] == len(read_xlsx(files[label])), label
        assert result.totals["new"] == result.totals["update"] == 0, label

    assert county_tables() == before
    assert LogEntry.objects.count() == logged
    assert RetiredQrToken.objects.count() == retired
    assert dict(Representative.objects.values_list("pk", "qr_token")) == tokens
    assert dict(Station.objects.values_list("pk", "qr_token")) == station_tokens
    assert set(StationMembership.objects.values_list("pk", flat=True)) == memberships


# --- a file with problems -------------------------------------------------------------------


def _good_station(name, **cells):
    return {"name": name, "kind": "村（社区）联络站", "town": "下梁镇", **cells}


def test_a_file_with_one_bad_row_imports_nothing_and_names_the_row_and_the_reason(staff_client):
    make_town("下梁镇")
    data = sheet(
        StationResource,
        _good_station("甲联络站"),
        _good_station("乙联络站", town="不存在镇"),
        _good_station("丙联络站"),
    )
    logged = LogEntry.objects.count()

    previewed = preview(staff_client, "liaison.Station", data)

    assert previewed.status_code == 200
    assert previewed.context.get("confirm_form") is None
    assert "process_import" not in previewed.content.decode()
    text = page_text(previewed)
    assert "第 3 行" in text
    assert "没有名为“不存在镇”的镇（街道）" in text
    assert "第 2 行" not in text and "第 4 行" not in text
    assert Station.objects.count() == 0

    # A confirmation forged for the same file (the page offers none) imports nothing either.
    storage = TempFolderStorage()
    storage.save(data)
    forged = staff_client.post(
        process_import_url("liaison.Station"),
        {
            "import_file_name": storage.name,
            "original_file_name": "county.xlsx",
            "format": XLSX,
            "resource": "0",
        },
    )
    assert forged.status_code == 200
    assert "没有导入任何数据" in page_text(forged)
    assert "第 3 行" in page_text(forged)
    assert Station.objects.count() == 0
    assert LogEntry.objects.count() == logged


@pytest.fixture
def places():
    town = make_town("下梁镇")
    village = make_village(town, "石瓮社区")
    make_station(town, "石瓮社区联络站", village=village)


REP = {"name": "王春和", "level": "县人大", "gender": "男", "term": "第十九届"}


@pytest.mark.parametrize(
    ("resource", "bad_row", "reason"),
    [
        (StationResource, _good_station("丁联络站", kind="流动站"), "未知的联络站类型“流动站”"),
        (StationResource, _good_station("丁联络站", town=""), "必填：请写镇（街道）的名称"),
        (StationResource, _good_station("甲联络站"), "表格第 2 行已有同一"),
        (StationResource, _good_station("丁联络站", village="无名村"), "下梁镇没有名为“无名村”"),
        (
            StationResource,
            _good_station("丁联络站", kind="专业联络站"),
            "专业联络站须填写所属领域",
        ),
        (
            RepresentativeResource,
            {**REP, "name": "李秋实", "level": "乡人大"},
            "未知的级别“乡人大”",
        ),
        (RepresentativeResource, {**REP, "mobile": "1390000"}, "请输入有效的中国大陆手机号码"),
        (RepresentativeResource, REP, "表格第 2 行已有同一"),
        (
            RepresentativeResource,
            {**REP, "name": "李秋实", "seats": "不存在联络站"},
            "没有名为“不存在联络站”的联络站",
        ),
        (
            RepresentativeResource,
            {**REP, "name": "李秋实", "seats": "石瓮社区联络站 | 主任"},
            "未知的站内职务“主任”",
        ),
        (TownResource, {"name": "下梁镇", "kind": "乡"}, "未知的镇（街道）类型“乡”"),
        (
            VillageResource,
            {"town": "上梁镇", "name": "甲村", "kind": "村"},
            "没有名为“上梁镇”的镇（街道）",
        ),
        (
            HandlingUnitResource,
            {"name": "下梁镇人民政府", "kind": "镇（街道）人民政府"},
            "镇（街道）人民政府须填写所在的镇（街道）",
        ),
    ],
    ids=lambda v: v.__name__ if isinstance(v, type) else None,
)
def test_the_preview_names_each_bad_rows_reason_in_chinese(
    staff_client, places, resource, bad_row, reason
):
    good = {
        StationResource: _good_station("甲联络站"),
        RepresentativeResource: {**REP, "seats": "石瓮社区联络站 | 站长 | 每月15日"},
        TownResource: {"name": "上梁镇", "kind": "镇"},
        VillageResource: {"town": "下梁镇", "name": "甲村", "kind": "村"},
        HandlingUnitResource: {"name": "柞水县水利局", "kind": "县级部门"},
    }[resource]
    label = resource._meta.model._meta.label
    before = county_tables()

    previewed = preview(staff_client, label, sheet(resource, good, bad_row))

    assert previewed.status_code == 200
    assert previewed.context.get("confirm_form") is None
    text = page_text(previewed)
    assert "第 3 行" in text
    assert reason in text
    assert county_tables() == before


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"this is not a spreadsheet", "county.xlsx", "无法按所选格式读取"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 64, "photo.xlsx", "无法按所选格式读取"),
        (b"", "empty.xlsx", "所提交的是空文件"),
        (xlsx(["名称", "类型"], []), "headers-only.xlsx", "文件中没有可导入的数据"),
    ],
    ids=["text", "image", "empty", "headers only"],
)
def test_a_file_that_is_not_a_county_table_gets_a_chinese_message(
    staff_client, data, name, message
):
    previewed = preview(staff_client, "liaison.Town", data, name=name)
    assert previewed.status_code == 200
    assert message in page_text(previewed)
    assert previewed.context.get("confirm_form") is None
    assert Town.objects.count() == 0


def test_a_table_uploaded_into_the_wrong_import_is_refused_once_not_row_by_row(staff_client):
    make_town("下梁镇")
    towns = sheet(TownResource, {"name": "上梁镇", "kind": "镇"})
    previewed = preview(staff_client, "liaison.Representative", towns)
    text = page_text(previewed)
    assert "文件中没有“姓名”、“级别”列" in text
    assert "第 2 行" not in text
    assert previewed.context.get("confirm_form") is None


# --- what an import changes -----------------------------------------------------------------


def test_a_changed_row_updates_that_object_alone_with_one_change_log_entry(staff_client, places):
    rep = make_representative("王春和", mobile="13900000001")
    token = rep.qr_token
    load(
        staff_client,
        "liaison.Representative",
        sheet(
            RepresentativeResource,
            {
                **REP,
                "occupation": "村党支部书记",
                "mobile": "13900000001",
                "seats": "石瓮社区联络站",
            },
        ),
    )
    logged = LogEntry.objects.count()
    result = load(
        staff_client,
        "liaison.Representative",
        sheet(
            RepresentativeResource,
            {**REP, "occupation": "种植合作社理事长", "mobile": 13900000001, "seats": ""},
        ),
    )

    assert result.totals["update"] == 1
    rep.refresh_from_db()
    assert rep.occupation == "种植合作社理事长"
    assert rep.mobile == "13900000001"  # typed into Excel as a number
    assert rep.qr_token == token
    assert not rep.memberships.exists()
    entry = LogEntry.objects.order_by("pk").last()
    assert LogEntry.objects.count() == logged + 1
    assert (entry.action_flag, entry.object_id) == (CHANGE, str(rep.pk))


def test_the_preview_masks_a_representatives_mobile(staff_client, places):
    previewed = preview(
        staff_client,
        "liaison.Representative",
        sheet(RepresentativeResource, {**REP, "mobile": "13912345678"}),
    )
    html = previewed.content.decode()
    assert "139****5678" in html
    assert "13912345678" not in html


# --- who may --------------------------------------------------------------------------------


def _with_permissions(user, *codenames):
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


ALL_LIAISON = [
    f"{verb}_{model}"
    for verb in ("view", "add", "change")
    for model in ("town", "village", "station", "representative", "handlingunit")
]


@pytest.mark.parametrize("label", LOAD_ORDER)
def test_town_and_station_staff_neither_import_nor_export(client, label):
    town = make_town()
    for scope in (
        {"level": "town", "town": town},
        {"level": "station", "station": make_station(town)},
    ):
        client.force_login(_with_permissions(make_staff(**scope), *ALL_LIAISON))
        assert client.get(admin_url(label, "import")).status_code == 403
        assert client.get(template_url(label)).status_code == 403
        assert client.get(admin_url(label, "export")).status_code == 403
        assert client.post(admin_url(label, "export"), {"format": XLSX}).status_code == 403
        changelist = client.get(admin_url(label, "changelist")).content.decode()
        assert admin_url(label, "import") not in changelist


@pytest.mark.parametrize("label", LOAD_ORDER)
def test_county_staff_import_with_the_add_and_change_permissions_and_export_with_view(
    client, label
):
    model = label.split(".")[1].lower()
    staff = _with_permissions(make_staff(level=StaffScope.Level.COUNTY), f"view_{model}")
    client.force_login(staff)
    assert client.get(admin_url(label, "export")).status_code == 200
    assert client.get(admin_url(label, "import")).status_code == 403
    _with_permissions(staff, f"add_{model}", f"change_{model}")
    client.force_login(staff)
    page = client.get(admin_url(label, "import"))
    assert page.status_code == 200
    assert template_url(label) in page.content.decode()
    changelist = client.get(admin_url(label, "changelist")).content.decode()
    assert admin_url(label, "import") in changelist
    assert admin_url(label, "export") in changelist


# --- the empty templates --------------------------------------------------------------------


@pytest.mark.parametrize(
    "resource",
    [TownResource, HandlingUnitResource, VillageResource, StationResource, RepresentativeResource],
)
def test_each_empty_template_has_the_chinese_headers_and_a_note_on_every_column(
    staff_client, resource
):
    label = resource._meta.model._meta.label
    response = staff_client.get(template_url(label))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = tablib.Databook().load(response.content, "xlsx")
    data, notes = book.sheets()
    headers = [
        in_site_language(resource().fields[n].column_name) for n in resource().get_import_order()
    ]
    assert data.headers == headers
    assert len(data) == 0  # nothing staff did not type is ever imported
    noted = {row[0]: row[1] for row in notes if row[0]}
    for header in headers:
        assert noted[header], header
        assert not noted[header].isascii(), noted[header]  # explained in Chinese
    # The template imports as it is: headers the import reads, and no rows.
    assert preview(staff_client, label, data.export("xlsx")).status_code == 200


# --- the export -----------------------------------------------------------------------------


def _rows(label, count):
    """``count`` rows of ``label``'s table, each naming rows of the tables before it."""
    town = make_town()
    station = make_station(town)
    for n in range(count):
        if label == "liaison.Town":
            make_town()
        elif label == "liaison.HandlingUnit":
            HandlingUnit.objects.create(
                name=f"测试局{n}", kind=HandlingUnit.Kind.TOWN_GOVERNMENT, town=town
            )
        elif label == "liaison.Village":
            make_village(town)
        elif label == "liaison.Station":
            make_station(town, village=make_village(town))
        else:
            rep = make_representative(station=station, mobile="13900000001")
            StationMembership.objects.create(station=make_station(town), representative=rep)


@pytest.mark.parametrize("count", [1, 50])
@pytest.mark.parametrize("label", LOAD_ORDER)
def test_each_export_runs_a_constant_number_of_queries(
    staff_client, django_assert_num_queries, label, count
):
    _rows(label, count)
    export(staff_client, label)  # the session and the user, read once
    with django_assert_num_queries(EXPORT_QUERIES[label]):
        data = read_xlsx(export(staff_client, label))
    # The same for one row as for fifty: towns and villages come by a join, a
    # representative's seats by one prefetch, the views of the mobiles in one insert.
    # (and the one town and station the rows of other tables name)
    assert len(data) == count + (label in ("liaison.Town", "liaison.Station"))


def test_an_export_shows_county_staff_the_full_mobile_and_records_each_view(staff_client):
    rep = make_representative(mobile="13912345678")
    make_representative(mobile="")
    data = read_xlsx(export(staff_client, "liaison.Representative"))
    assert (
        "13912345678"
        in data[in_site_language(RepresentativeResource().fields["mobile"].column_name)]
    )
    view = MobileView.objects.get()
    assert (view.representative, view.where) == (rep, "spreadsheet export")


# --- the pages under the coming Content-Security-Policy ------------------------------------

INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)


def test_the_import_and_export_pages_carry_no_inline_script_or_style(staff_client, places):
    make_representative("王春和", occupation="村党支部书记")
    label = "liaison.Representative"
    changed = sheet(RepresentativeResource, {**REP, "occupation": "种植合作社理事长"})
    pages = {
        "import": staff_client.get(admin_url(label, "import")),
        "preview": preview(staff_client, label, changed),
        "problems": preview(
            staff_client, label, sheet(RepresentativeResource, {**REP, "level": "?"})
        ),
        "export": staff_client.get(admin_url(label, "export")),
        "changelist": staff_client.get(admin_url(label, "changelist")),
    }
    preview_html = pages["preview"].content.decode()
    assert "<del>村党支部书记</del>" in preview_html
    assert "<ins>种植合作社理事长</ins>" in preview_html
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert not INLINE.findall(page.content.decode()), name


def test_blank_rows_are_skipped_and_two_blank_names_are_each_a_missing_name(staff_client):
    data = sheet(
        TownResource, {"name": "上梁镇", "kind": "镇"}, {}, {"name": "下梁镇", "kind": "镇"}
    )
    result = load(staff_client, "liaison.Town", data)
    assert (result.totals["new"], result.totals["skip"]) == (2, 1)

    previewed = preview(
        staff_client, "liaison.Town", sheet(TownResource, {"kind": "镇"}, {"kind": "街道"})
    )
    text = page_text(previewed)
    assert text.count("此字段不能为空") == 2
    assert "已有同一" not in text


def test_a_row_that_fails_to_save_stops_the_preview_and_a_forged_confirmation(
    staff_client, monkeypatch
):
    """Not a validation error but an exception while saving (a database refusal, say):
    the library reports it apart; it stops everything all the same."""
    make_town("下梁镇")
    original = StationResource.before_save_instance

    def refuse(self, instance, row, **kwargs):
        if instance.name == "乙联络站":
            raise RuntimeError("the database refused the row")
        return original(self, instance, row, **kwargs)

    monkeypatch.setattr(StationResource, "before_save_instance", refuse)
    data = sheet(
        StationResource,
        _good_station("甲联络站"),
        _good_station("乙联络站"),
        _good_station("丙联络站"),
    )

    previewed = preview(staff_client, "liaison.Station", data)
    assert previewed.context.get("confirm_form") is None
    text = page_text(previewed)
    assert "第 3 行" in text and "这一行无法保存" in text

    storage = TempFolderStorage()
    storage.save(data)
    forged = staff_client.post(
        process_import_url("liaison.Station"),
        {"import_file_name": storage.name, "original_file_name": "c.xlsx", "format": XLSX},
    )
    assert "没有导入任何数据" in page_text(forged)
    assert Station.objects.count() == 0


def test_a_csv_export_imports_back_unchanged(staff_client):
    make_town("上梁镇", order=2)
    make_town("下梁镇", kind=Town.Kind.SUBDISTRICT)
    response = staff_client.post(admin_url("liaison.Town", "export"), {"format": CSV})
    assert "上梁镇" in response.content.decode("utf-8-sig")
    previewed = preview(staff_client, "liaison.Town", response.content, name="towns.csv", fmt=CSV)
    assert previewed.context["result"].totals["skip"] == 2


def test_seats_typed_on_one_line_or_with_semicolons_in_their_hours_read_back(staff_client, places):
    other = make_station(Town.objects.get(name="下梁镇"), "下梁镇中心联络站")
    load(
        staff_client,
        "liaison.Representative",
        sheet(
            RepresentativeResource,
            {**REP, "seats": "石瓮社区联络站 | 站长；下梁镇中心联络站"},
            {**REP, "name": "李秋实", "seats": "下梁镇中心联络站 | 副站长 | 周一；周三 上午\n"},
        ),
    )
    seats = dict(
        StationMembership.objects.filter(representative__name="王春和").values_list(
            "station__name", "role"
        )
    )
    assert seats == {"石瓮社区联络站": "head", other.name: "member"}
    deputy = StationMembership.objects.get(representative__name="李秋实")
    assert (deputy.role, deputy.duty_hours) == ("deputy_head", "周一；周三 上午")

    exported = export(staff_client, "liaison.Representative")
    result = load(staff_client, "liaison.Representative", exported)
    assert result.totals["skip"] == 2


@pytest.mark.parametrize(
    "storage",
    ["import_export.tmp_storages.TempFolderStorage", "import_export.tmp_storages.CacheStorage"],
)
def test_a_second_click_on_confirm_or_a_broken_confirmation_is_never_a_500(
    staff_client, settings, storage
):
    settings.IMPORT_EXPORT_TMP_STORAGE_CLASS = storage
    data = sheet(TownResource, {"name": "上梁镇", "kind": "镇"})
    previewed = preview(staff_client, "liaison.Town", data)
    assert confirm(staff_client, "liaison.Town", previewed).status_code == 302

    again = confirm(staff_client, "liaison.Town", previewed)
    assert again.status_code == 302
    assert again.url == admin_url("liaison.Town", "import")
    assert "此文件已经导入过" in page_text(staff_client.get(again.url))
    assert Town.objects.count() == 1

    assert staff_client.post(process_import_url("liaison.Town"), {}).status_code == 200


def test_an_export_is_named_by_the_tables_chinese_name_and_the_day(staff_client):
    response = staff_client.post(
        admin_url("liaison.Town", "export"), {"format": XLSX, "resource": "0"}
    )
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E9%95%87%EF%BC%88%E8%A1%97%E9%81%93%EF%BC%89-"
        f"{timezone.localdate().isoformat()}.xlsx"
    )


def test_the_import_and_export_forms_offer_xlsx_first(staff_client):
    for name in ("import", "export"):
        page = staff_client.get(admin_url("liaison.Town", name)).content.decode()
        assert '<option value="0" selected>xlsx</option>' in page
