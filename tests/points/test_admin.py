"""Points in the administration (issue #4, items 1–4 and 8): every page opens; saving an
activity's attendance or a duty day's roster keeps the automatic entries in step; entries are
reviewed in bulk (rejection asks for the reason first), system entries are read-only, staff
add entries through the service; appeals are answered once; a year is published only from a
finished report; the entry list runs in constant queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from liaison.models import Activity, DutyDay, DutyShift
from points import services
from points.admin import LATER_YEAR_HELP
from points.models import (
    AnnualReport,
    Appeal,
    Attendance,
    Category,
    CategoryCap,
    PointAudit,
    PointEntry,
    PointRule,
    Publication,
    ReportRun,
)
from tests.base import make_representative, make_station, make_user
from tests.helpers import (
    admin_form_data,
    admin_url,
    duty_day_data,
    gps_jpeg,
    in_site_language,
    page_text,
    tr,
)
from tests.helpers import tags as page_tags
from tests.second_factor import SECOND_FACTOR

pytestmark = pytest.mark.django_db

YEAR = 2025
EDITABLE = [
    "points.PointRule",
    "points.CategoryCap",
    "points.GradeBand",
    "liaison.Activity",
    "liaison.DutyDay",
    "points.PointEntry",
    "points.Publication",
]
NO_ADD = [
    "points.Attendance",
    "points.Appeal",
    "points.ReportRun",
    "points.AnnualReport",
    "points.PointAudit",
]
ROWS = [1, 50]
# session and user; the count of entries (the filtered one only: a long list shows no
# second, unfiltered count); the page of entries with their representatives and rules; the
# first and last date for the year filter; the superuser's second factor.
ENTRY_LIST_QUERIES = 2 + 1 + 1 + 1 + SECOND_FACTOR


def trn(singular: str, plural: str, count: int) -> str:
    """A plural message as the portal shows it to a visitor with no language preference."""
    with translation.override(settings.LANGUAGE_CODE):
        return translation.ngettext(singular, plural, count)


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def superuser():
    return make_user(superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def rep():
    return make_representative(name="李代表", station=make_station())


def counted():
    """Entries still in the running: a withdrawn one is kept, but counts nothing."""
    return PointEntry.objects.exclude(status=PointEntry.Status.WITHDRAWN)


def withdrawn():
    return PointEntry.objects.filter(status=PointEntry.Status.WITHDRAWN, points=0)


def claim(rep, on=None):
    on = on or timezone.localdate()
    return services.point_entry_create(
        representative=rep,
        rule=services.rule_for("deed", on.year),
        on=on,
        description="调解邻里纠纷一起",
    )


@pytest.fixture
def everything(rep, superuser):
    """At least one row of every model the points administration shows."""
    CategoryCap.objects.create(category="voters", cap=Decimal("20"))
    activity = Activity.objects.create(
        kind=Activity.Kind.SESSION, title="县十九届人大四次会议", date=date(YEAR, 1, 10)
    )
    attendance = Attendance.objects.create(
        activity=activity, representative=rep, status=Attendance.Status.PRESENT
    )
    services.activity_sync(activity=activity)
    day = DutyDay.objects.create(station=make_station(), date=date(YEAR, 2, 15))
    shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
    services.duty_shift_sync(shift=shift)
    entry = claim(rep)
    services.point_entry_reject(entry=entry, actor=superuser, reason="材料不全")
    entry.refresh_from_db()
    services.point_entry_appeal(entry=entry, actor=None, text="已补充照片")
    run = ReportRun.objects.create(
        year=YEAR, status=ReportRun.Status.DONE, total=1, done=1, finished_at=timezone.now()
    )
    AnnualReport.objects.create(
        run=run, representative=rep, year=YEAR, total=Decimal("19"), rank=1, grade="不合格"
    )
    Publication.objects.create(year=YEAR, run=run, published_by=superuser)
    return {"attendance": attendance, "shift": shift, "entry": entry, "run": run}


# --- every page opens -----------------------------------------------------------------------


def test_it_registers_every_points_model():
    # Duty rosters are liaison's models (they describe a station), kept in the points admin.
    registered = {
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if type(model_admin).__module__.startswith("points.")
    }
    # The points admin also adds the trail of points to liaison's representative page.
    registered.discard("liaison.Representative")
    assert registered == set(EDITABLE + NO_ADD)


@pytest.mark.parametrize("label", EDITABLE + NO_ADD)
def test_it_opens_every_changelist(admin_client, everything, label):
    assert admin_client.get(admin_url(label, "changelist")).status_code == 200


@pytest.mark.parametrize("label", EDITABLE + NO_ADD)
def test_it_opens_every_change_page(admin_client, everything, label):
    model = next(m for m in admin.site._registry if m._meta.label == label)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the fixture made no {label}"
    assert admin_client.get(admin_url(label, "change", obj.pk)).status_code == 200


def test_an_annual_reports_page_names_its_categories_and_flags_in_words(admin_client, everything):
    report = AnnualReport.objects.get()
    report.by_category = {"training": "7.0", "meetings": "12.0"}
    report.flags = ["no_voter_contact"]
    report.save(update_fields=["by_category", "flags"])
    text = page_text(admin_client.get(admin_url("points.AnnualReport", "change", report.pk)))
    meetings = in_site_language(Category.MEETINGS.label)
    training = in_site_language(Category.TRAINING.label)
    assert f"{meetings} 12.0；{training} 7.0" in text  # in the table's order
    assert '"meetings"' not in text and "no_voter_contact" not in text


@pytest.mark.parametrize("label", EDITABLE)
def test_it_opens_every_add_page(admin_client, label):
    assert admin_client.get(admin_url(label, "add")).status_code == 200


@pytest.mark.parametrize("label", NO_ADD)
def test_it_lets_nobody_add_what_others_record(admin_client, label):
    assert admin_client.get(admin_url(label, "add")).status_code == 403


@pytest.mark.parametrize(
    ("label", "query"),
    [
        ("points.PointEntry", "status__exact=pending"),
        ("points.PointEntry", f"year={YEAR}"),
        ("points.PointEntry", "rule__category=voters"),
        ("points.PointEntry", "source__exact=duty"),
        ("points.PointEntry", "q=李代表"),
        ("points.Appeal", "state=answered"),
        ("points.Appeal", "state=all"),
        ("liaison.Activity", "kind__exact=session"),
        ("liaison.DutyDay", "is_cancelled__exact=0"),
        ("points.Attendance", "status__exact=excused"),
        ("points.AnnualReport", f"year={YEAR}"),
        ("points.PointRule", "category__exact=voters"),
    ],
)
def test_it_filters_the_lists(admin_client, everything, label, query):
    assert admin_client.get(admin_url(label, "changelist") + "?" + query).status_code == 200


def test_it_tells_staff_to_add_a_row_for_a_later_year(admin_client):
    response = admin_client.get(admin_url("points.PointRule", "add"))
    assert in_site_language(LATER_YEAR_HELP) in page_text(response)


def test_it_warns_when_a_row_of_past_years_is_edited(admin_client):
    rule = services.rule_for("duty", YEAR)
    data = {
        f.name: getattr(rule, f.name)
        for f in PointRule._meta.fields
        if f.editable and f.name != "id"
    }
    data.update(yearly_cap="", points_first="5", _save="1")
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = admin_client.post(admin_url("points.PointRule", "change", rule.pk), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.points_first == 5
    expected = tr(
        "This row applies from %(year)s: the totals of those past years change with it. To "
        "change the rule from a later year on, add a new row for that year instead."
    ) % {"year": rule.applies_from}
    assert expected in _messages(response)


# --- activities and their attendance ------------------------------------------------------------


def _activity_data(rows, **fields):
    activity = {
        "kind": Activity.Kind.SESSION,
        "title": "县十九届人大五次会议",
        "date": f"{YEAR}-03-01",
        "place": "县人大会议室",
        "organiser": "县人大常委会办公室",
    }
    return admin_form_data(activity, "attendances", rows, **fields)


def test_saving_the_attendance_list_creates_the_entries(admin_client, rep):
    absent = make_representative(name="赵代表")
    excused = make_representative(name="钱代表")
    rows = [
        {"representative": rep.pk, "status": "present"},
        {"representative": absent.pk, "status": "absent"},
        {"representative": excused.pk, "status": "excused", "excuse": "住院治疗"},
    ]
    response = admin_client.post(admin_url("liaison.Activity", "add"), _activity_data(rows))
    assert response.status_code == 302
    activity = Activity.objects.get()
    codes = {
        e.representative_id: (e.rule.code, e.points)
        for e in PointEntry.objects.select_related("rule")
    }
    # An excuse not yet approved still deducts.
    assert codes == {
        rep.pk: ("session", 15),
        absent.pk: ("absence", -5),
        excused.pk: ("absence", -5),
    }
    assert activity.attendances.count() == 3


def test_approving_an_excuse_records_who_and_removes_the_deduction(admin_client, superuser):
    excused = make_representative(name="钱代表")
    admin_client.post(
        admin_url("liaison.Activity", "add"),
        _activity_data([{"representative": excused.pk, "status": "excused", "excuse": "住院"}]),
    )
    activity = Activity.objects.get()
    attendance = activity.attendances.get()
    assert PointEntry.objects.filter(representative=excused).count() == 1
    row = {
        "id": attendance.pk,
        "activity": activity.pk,
        "representative": excused.pk,
        "status": "excused",
        "excuse": "住院",
        "excuse_approved": True,
    }
    response = admin_client.post(
        admin_url("liaison.Activity", "change", activity.pk), _activity_data([row])
    )
    assert response.status_code == 302
    attendance.refresh_from_db()
    assert (attendance.excuse_approved, attendance.approved_by) == (True, superuser)
    assert not counted().filter(representative=excused).exists()
    assert withdrawn().filter(representative=excused, source_id=attendance.pk).exists()
    audit = PointAudit.objects.get(action="excuse_approved")
    assert (audit.actor, audit.object_id, audit.before, audit.after) == (
        superuser,
        attendance.pk,
        {"status": "excused", "excuse_approved": False},
        {"status": "excused", "excuse_approved": True},
    )


def test_it_refuses_to_approve_an_excuse_for_someone_present(admin_client, rep):
    row = {"representative": rep.pk, "status": "present", "excuse_approved": True}
    response = admin_client.post(admin_url("liaison.Activity", "add"), _activity_data([row]))
    assert response.status_code == 200
    assert tr("Only an excused absence has an excuse to approve.") in page_text(response)
    assert not Activity.objects.exists()
    assert not PointEntry.objects.exists()


def test_deleting_a_row_of_the_attendance_list_removes_its_entry(admin_client, rep):
    admin_client.post(
        admin_url("liaison.Activity", "add"),
        _activity_data([{"representative": rep.pk, "status": "present"}]),
    )
    activity = Activity.objects.get()
    attendance = activity.attendances.get()
    row = {
        "id": attendance.pk,
        "activity": activity.pk,
        "representative": rep.pk,
        "status": "present",
        "DELETE": True,
    }
    response = admin_client.post(
        admin_url("liaison.Activity", "change", activity.pk), _activity_data([row])
    )
    assert response.status_code == 302
    assert not counted().exists()
    assert withdrawn().get().source_id == attendance.pk


def test_cancelling_activities_in_bulk_withdraws_their_entries(
    admin_client, everything, rep, superuser
):
    activity = everything["attendance"].activity
    assert PointEntry.objects.filter(source="attendance").exists()
    response = admin_client.post(
        admin_url("liaison.Activity", "changelist"),
        {"action": "cancel_activities", ACTION_CHECKBOX_NAME: [activity.pk]},
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.is_cancelled
    assert not counted().filter(source="attendance").exists()
    assert withdrawn().filter(source="attendance").count() == 1
    audit = PointAudit.objects.get(action="activity_cancelled")
    assert (audit.kind, audit.object_id, audit.actor) == ("activity", activity.pk, superuser)


def test_deleting_activities_in_bulk_removes_their_entries(admin_client, everything):
    activity = everything["attendance"].activity
    response = admin_client.post(
        admin_url("liaison.Activity", "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [activity.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Activity.objects.exists()
    assert not counted().filter(source="attendance").exists()
    assert withdrawn().filter(source="attendance").count() == 1


def test_approving_excuses_from_the_attendance_list(admin_client, superuser, rep):
    activity = Activity.objects.create(
        kind=Activity.Kind.STANDING_MEETING, title="常委会第十次会议", date=date(YEAR, 4, 1)
    )
    excused = Attendance.objects.create(
        activity=activity, representative=rep, status="excused", excuse="出差"
    )
    present = Attendance.objects.create(
        activity=activity, representative=make_representative(), status="present"
    )
    services.activity_sync(activity=activity)
    response = admin_client.post(
        admin_url("points.Attendance", "changelist"),
        {"action": "approve_excuses", ACTION_CHECKBOX_NAME: [excused.pk, present.pk]},
    )
    assert response.status_code == 302
    excused.refresh_from_db()
    assert (excused.excuse_approved, excused.approved_by) == (True, superuser)
    assert not counted().filter(representative=rep).exists()
    assert withdrawn().filter(representative=rep).count() == 1
    assert PointEntry.objects.filter(source_id=present.pk).exists()
    assert PointAudit.objects.get(action="excuse_approved").object_id == excused.pk


# --- duty days and their roster -----------------------------------------------------------------


def test_the_roster_is_planned_then_served(admin_client, rep):
    station = make_station()
    on = timezone.localdate() - timedelta(days=1)
    response = admin_client.post(
        admin_url("liaison.DutyDay", "add"),
        duty_day_data(station, on, [{"representative": rep.pk}]),
    )
    assert response.status_code == 302
    day = DutyDay.objects.get()
    shift = day.shifts.get()
    assert not PointEntry.objects.exists()
    row = {"id": shift.pk, "duty_day": day.pk, "representative": rep.pk, "served": True}
    response = admin_client.post(
        admin_url("liaison.DutyDay", "change", day.pk), duty_day_data(station, on, [row])
    )
    assert response.status_code == 302
    entry = PointEntry.objects.get()
    assert (entry.source, entry.source_id, entry.rule.code) == ("duty", shift.pk, "duty")
    row["served"] = False
    admin_client.post(
        admin_url("liaison.DutyDay", "change", day.pk), duty_day_data(station, on, [row])
    )
    assert not counted().exists()
    assert withdrawn().get().pk == entry.pk


def test_nobody_has_served_a_duty_day_still_to_come(admin_client, rep):
    station = make_station()
    on = timezone.localdate() + timedelta(days=7)
    response = admin_client.post(
        admin_url("liaison.DutyDay", "add"),
        duty_day_data(station, on, [{"representative": rep.pk, "served": True}]),
    )
    assert response.status_code == 200
    assert not DutyDay.objects.exists()


def test_cancelling_duty_days_in_bulk_removes_their_entries(admin_client, everything):
    day = everything["shift"].duty_day
    response = admin_client.post(
        admin_url("liaison.DutyDay", "changelist"),
        {"action": "cancel_duty_days", ACTION_CHECKBOX_NAME: [day.pk]},
    )
    assert response.status_code == 302
    assert not counted().filter(source="duty").exists()
    assert withdrawn().filter(source="duty").count() == 1
    assert PointAudit.objects.get(action="duty_day_cancelled").object_id == day.pk


def test_deleting_duty_days_in_bulk_removes_their_entries(admin_client, everything):
    day = everything["shift"].duty_day
    admin_client.post(
        admin_url("liaison.DutyDay", "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [day.pk], "post": "yes"},
    )
    assert not DutyDay.objects.exists()
    assert not counted().filter(source="duty").exists()
    assert withdrawn().filter(source="duty").count() == 1


def test_a_duty_days_page_costs_one_query_per_roster_row(admin_client, rep):
    """Its representative's choice (the autocomplete's selected option); not its day and
    station again for the row's title."""
    day = DutyDay.objects.create(station=make_station(), date=date(YEAR, 6, 1))
    DutyShift.objects.create(duty_day=day, representative=rep)
    url = admin_url("liaison.DutyDay", "change", day.pk)
    admin_client.get(url)  # content types and the like, cached from then on

    def page_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(url).status_code == 200
        return len(queries)

    one_row = page_queries()
    for _ in range(5):
        DutyShift.objects.create(duty_day=day, representative=make_representative())
    assert page_queries() == one_row + 5


# --- reviewing entries in bulk ------------------------------------------------------------------


def _action(admin_client, action, entries, **extra):
    return admin_client.post(
        admin_url("points.PointEntry", "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [e.pk for e in entries], **extra},
    )


def test_it_approves_pending_entries_in_bulk(admin_client, superuser, rep):
    pending = [claim(rep) for _ in range(3)]
    services.point_entry_reject(entry=pending[2], actor=superuser, reason="重复")
    response = _action(admin_client, "approve_selected", pending)
    assert response.status_code == 302
    statuses = list(PointEntry.objects.order_by("pk").values_list("status", flat=True))
    assert statuses == ["approved", "approved", "rejected"]
    expected = (
        trn("Approved %(count)d entry.", "Approved %(count)d entries.", 2) % {"count": 2}
        + " "
        + trn(
            "%(count)d was no longer pending and was left as it was.",
            "%(count)d were no longer pending and were left as they were.",
            1,
        )
        % {"count": 1}
    )
    assert _messages(response) == [expected]


def test_it_asks_for_the_reason_before_rejecting_in_bulk(admin_client, rep):
    pending = [claim(rep) for _ in range(2)]
    response = _action(admin_client, "reject_selected", pending)
    assert response.status_code == 200
    assert "admin/points/pointentry/reject_confirmation.html" in [
        t.name for t in response.templates
    ]
    text = page_text(response)
    assert tr("The representative sees it and may appeal once.") in text
    assert set(PointEntry.objects.values_list("status", flat=True)) == {"pending"}

    response = _action(admin_client, "reject_selected", pending, post="yes", reason=" ")
    assert response.status_code == 200  # the page again, with the error
    assert set(PointEntry.objects.values_list("status", flat=True)) == {"pending"}

    response = _action(admin_client, "reject_selected", pending, post="yes", reason="缺少照片")
    assert response.status_code == 302
    assert list(
        PointEntry.objects.values_list("status", "rejection_reason").order_by().distinct()
    ) == [("rejected", "缺少照片")]
    assert len(_messages(response)) == 1


def test_a_bulk_rejection_leaves_reviewed_entries_alone(admin_client, superuser, rep):
    done = claim(rep)
    services.point_entry_approve(entry=done, actor=superuser)
    waiting = claim(rep)
    _action(admin_client, "reject_selected", [done, waiting], post="yes", reason="不符合条件")
    assert PointEntry.objects.get(pk=done.pk).status == "approved"
    assert PointEntry.objects.get(pk=waiting.pk).status == "rejected"


def test_it_offers_no_bulk_delete_of_entries(rf, superuser):
    request = rf.get("/")
    request.user = superuser
    actions = admin.site._registry[PointEntry].get_actions(request)
    assert set(actions) == {"approve_selected", "reject_selected"}


def test_it_shows_a_system_entry_read_only(admin_client, everything):
    entry = PointEntry.objects.get(source="duty")
    url = admin_url("points.PointEntry", "change", entry.pk)
    response = admin_client.get(url)
    assert response.context["has_change_permission"] is False
    assert response.context["has_delete_permission"] is False
    assert admin_client.post(url, {"quantity": "9", "status": "pending"}).status_code == 403
    assert admin_client.post(admin_url("points.PointEntry", "delete", entry.pk)).status_code == 403
    entry.refresh_from_db()
    assert (entry.quantity, entry.status) == (1, "approved")


def test_staff_add_an_entry_through_the_service(admin_client, superuser, rep):
    rule = services.rule_for("deed", timezone.localdate().year)
    response = admin_client.post(
        admin_url("points.PointEntry", "add"),
        {
            "representative": rep.pk,
            "rule": rule.pk,
            "date": timezone.localdate().isoformat(),
            "quantity": "2",
            "description": "组织村民修缮便民桥",
            "evidence": SimpleUploadedFile("bridge.jpg", gps_jpeg(), content_type="image/jpeg"),
            "approve_now": "on",
            "_save": "1",
        },
    )
    assert response.status_code == 302
    entry = PointEntry.objects.get()
    with entry.evidence.open("rb") as stored:
        assert b"SpyCam" not in stored.read()  # the photo lost its metadata
    assert (entry.source, entry.status, entry.created_by, entry.reviewed_by) == (
        "staff",
        "approved",
        superuser,
        superuser,
    )
    assert entry.points == Decimal("6")  # first 5, one further 1
    assert admin_client.post(admin_url("points.PointEntry", "delete", entry.pk), {"post": "yes"})
    assert not PointEntry.objects.exists()


def test_staff_cannot_add_an_entry_in_the_future(admin_client, rep):
    rule = services.rule_for("deed", timezone.localdate().year)
    response = admin_client.post(
        admin_url("points.PointEntry", "add"),
        {
            "representative": rep.pk,
            "rule": rule.pk,
            "date": (timezone.localdate() + timedelta(days=3)).isoformat(),
            "quantity": "1",
            "description": "x",
            "_save": "1",
        },
    )
    assert response.status_code == 200
    assert tr("The date cannot be in the future.") in page_text(response)
    assert not PointEntry.objects.exists()


def add_entry(admin_client, rep, on=None, quantity="1"):
    on = on or timezone.localdate()
    return admin_client.post(
        admin_url("points.PointEntry", "add"),
        {
            "representative": rep.pk,
            "rule": services.rule_for("deed", on.year).pk,
            "date": on.isoformat(),
            "quantity": quantity,
            "description": "纸质台账补录",
            "approve_now": "on",
            "_save": "1",
        },
    )


def publish(year, user):
    run = ReportRun.objects.create(
        year=year, status=ReportRun.Status.DONE, total=0, done=0, finished_at=timezone.now()
    )
    return Publication.objects.create(year=year, run=run, published_by=user)


@pytest.mark.parametrize("quantity", [services.MAX_ITEMS_PER_ENTRY + 1, 1_000_000_000])
def test_staff_cannot_add_an_entry_of_more_items_than_the_bound(admin_client, rep, quantity):
    """A billion items once looped per item for minutes and ended in a server error."""
    page = admin_client.get(admin_url("points.PointEntry", "add"))
    field = [i for i in page_tags(page, "input") if i.get("name") == "quantity"][0]
    assert (field["min"], field["max"]) == ("1", str(services.MAX_ITEMS_PER_ENTRY))

    response = add_entry(admin_client, rep, quantity=str(quantity))
    assert response.status_code == 200
    message = tr("The quantity may be at most %(limit_value)s.")
    assert message % {"limit_value": services.MAX_ITEMS_PER_ENTRY} in page_text(response)
    assert not PointEntry.objects.exists()

    response = add_entry(admin_client, rep, quantity=str(services.MAX_ITEMS_PER_ENTRY))
    assert response.status_code == 302
    assert PointEntry.objects.get().quantity == services.MAX_ITEMS_PER_ENTRY


def test_staff_still_see_the_lower_bound(admin_client, rep):
    response = add_entry(admin_client, rep, quantity="0")
    assert response.status_code == 200
    assert tr("The quantity must be at least 1.") in page_text(response)
    assert not PointEntry.objects.exists()


def published_message(year):
    message = "The points of %(year)s have been published; no entries can be added to that year."
    return tr(message) % {"year": year}


@pytest.mark.parametrize("year", [2019, None], ids=["2019", "last year"])
def test_staff_cannot_add_an_entry_to_a_published_year(admin_client, superuser, rep, year):
    year = year or timezone.localdate().year - 1
    publish(year, superuser)
    response = add_entry(admin_client, rep, on=date(year, 12, 1))
    assert response.status_code == 200
    assert published_message(year) in page_text(response)
    assert not PointEntry.objects.exists()
    # This year is still open.
    assert add_entry(admin_client, rep).status_code == 302


def test_a_year_published_while_staff_type_is_refused_without_an_error_page(
    admin_client, superuser, rep, monkeypatch
):
    """The form checks the year; if it is published between the check and the save, the
    service refuses and staff are told, with no server error and nothing logged."""
    from django.contrib.admin.models import LogEntry

    from points.admin.entries import StaffEntryForm

    last = timezone.localdate().year - 1
    publish(last, superuser)
    monkeypatch.setattr(StaffEntryForm, "clean_date", lambda form: form.cleaned_data["date"])
    response = add_entry(admin_client, rep, on=date(last, 12, 1))
    assert response.status_code == 302
    assert response["Location"] == admin_url("points.PointEntry", "add")
    assert published_message(last) in _messages(response)
    assert not PointEntry.objects.exists()
    assert not LogEntry.objects.exists()


@pytest.mark.parametrize("rows", ROWS)
def test_it_lists_entries_in_constant_queries(
    admin_client, django_assert_num_queries, rows, superuser
):
    station = make_station()
    for index in range(rows):
        rep = make_representative(station=station)
        if index % 2:
            claim(rep)
        else:
            day, _ = DutyDay.objects.get_or_create(station=station, date=date(YEAR, 5, 1))
            shift = DutyShift.objects.create(duty_day=day, representative=rep, served=True)
            services.duty_shift_sync(shift=shift)
    with django_assert_num_queries(ENTRY_LIST_QUERIES):
        response = admin_client.get(admin_url("points.PointEntry", "changelist"))
    assert response.context["cl"].result_count == rows


# --- appeals ------------------------------------------------------------------------------------


def test_the_appeal_list_shows_open_appeals_first(admin_client, everything, superuser, rep):
    other = claim(rep)
    services.point_entry_reject(entry=other, actor=superuser, reason="材料不全")
    other.refresh_from_db()
    answered = services.point_entry_appeal(entry=other, actor=None, text="请复核")
    services.appeal_answer(appeal=answered, actor=superuser, uphold=False, answer="维持")
    response = admin_client.get(admin_url("points.Appeal", "changelist"))
    assert [a.status for a in response.context["cl"].result_list] == ["open"]
    response = admin_client.get(admin_url("points.Appeal", "changelist"), {"state": "all"})
    assert response.context["cl"].result_count == 2


@pytest.mark.parametrize(("decision", "status"), [("uphold", "approved"), ("dismiss", "rejected")])
def test_staff_answer_an_appeal(admin_client, everything, superuser, decision, status):
    appeal = Appeal.objects.get()
    url = admin_url("points.Appeal", "change", appeal.pk)
    response = admin_client.post(url, {"decision": decision, "answer": "经核实", "_save": "1"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == ("upheld" if decision == "uphold" else "dismissed")
    assert (appeal.answer, appeal.answered_by) == ("经核实", superuser)
    assert PointEntry.objects.get(pk=appeal.entry_id).status == status
    # Answered once, for good: the page is now a record.
    response = admin_client.get(url)
    assert response.context["has_change_permission"] is False
    assert admin_client.post(url, {"decision": "uphold", "answer": "改判"}).status_code == 403


def test_an_appeal_needs_a_decision_and_an_answer(admin_client, everything):
    appeal = Appeal.objects.get()
    url = admin_url("points.Appeal", "change", appeal.pk)
    response = admin_client.post(url, {"answer": "", "_save": "1"})
    assert response.status_code == 200
    assert Appeal.objects.get().status == "open"


# --- publication --------------------------------------------------------------------------------


def test_it_refuses_to_publish_a_year_without_a_finished_report(admin_client):
    ReportRun.objects.create(year=YEAR + 1, status=ReportRun.Status.RUNNING)
    response = admin_client.post(
        admin_url("points.Publication", "add"), {"year": str(YEAR + 1), "_save": "1"}
    )
    assert response.status_code == 200
    expected = tr("There is no finished report for %(year)s: build the year's reports first.") % {
        "year": YEAR + 1
    }
    assert expected in page_text(response)
    assert not Publication.objects.exists()


def test_it_publishes_a_year_from_its_latest_finished_report(admin_client, superuser):
    ReportRun.objects.create(
        year=YEAR, status=ReportRun.Status.DONE, finished_at=timezone.now() - timedelta(days=2)
    )
    latest = ReportRun.objects.create(
        year=YEAR, status=ReportRun.Status.DONE, finished_at=timezone.now()
    )
    ReportRun.objects.create(year=YEAR, status=ReportRun.Status.FAILED)
    response = admin_client.post(admin_url("points.Publication", "add"), {"year": str(YEAR)})
    assert response.status_code == 302
    publication = Publication.objects.get()
    assert (publication.year, publication.run, publication.published_by) == (
        YEAR,
        latest,
        superuser,
    )


def test_it_publishes_years_from_the_report_list(admin_client, everything):
    Publication.objects.all().delete()
    run = everything["run"]
    response = admin_client.post(
        admin_url("points.ReportRun", "changelist"),
        {"action": "publish_years", ACTION_CHECKBOX_NAME: [run.pk]},
    )
    assert response.status_code == 302
    assert Publication.objects.get().run == run
