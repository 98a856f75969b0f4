"""Issue 13, item 7: people are shown by name everywhere (a concern's history, the points
audit trail, the year-end runs); logins appear only in the administration's user pages."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.logins import (
    DEMO_ADMIN,
    DEMO_COUNTY_STAFF,
    DEMO_REPRESENTATIVE,
    DEMO_TOWN_STAFF,
    DEMO_UNIT,
    give_name,
    login,
)
from liaison.people import display_name
from petitions import workflow
from petitions.models import Notification, PersonalDataView, Survey
from points import services as points_services
from points.admin.audit import PointAuditAdmin, audit_table
from points.models import PointAudit, Publication, ReportRun
from tests.base import (
    make_county_staff,
    make_representative,
    make_unit,
    make_user,
    make_world,
    receive,
    to_step,
)
from tests.helpers import admin_url, page_text

pytestmark = pytest.mark.django_db


def _name(user, last, first):
    user.last_name, user.first_name = last, first
    user.save(update_fields=["last_name", "first_name"])
    return user


@pytest.fixture
def world():
    world = make_world()
    _name(world.county, "王", "建国")
    _name(world.unit_user, "李", "明")
    return world


def _history(response) -> str:
    """The work page's history: who did what."""
    html = response.content.decode()
    return page_text(re.search(r'<ol class="timeline">.*?</ol>', html, re.S).group(0))


# --- the helper --------------------------------------------------------------------------------


def test_it_names_a_person_family_name_first_in_chinese():
    assert display_name(_name(make_user(), "王", "建国")) == "王建国"


def test_it_names_a_person_given_name_first_otherwise():
    assert display_name(_name(make_user(), "Lee", "Ann")) == "Ann Lee"


def test_it_takes_a_name_written_whole_in_one_field():
    assert display_name(_name(make_user(), "", "张丽")) == "张丽"
    assert display_name(_name(make_user(), "赵", "")) == "赵"


def test_it_names_a_representative_as_on_the_roll():
    user = _name(make_user("rep-login"), "柳", "春")
    make_representative("柳春和", user=user)
    user = get_user_model().objects.get(pk=user.pk)
    assert display_name(user) == "柳春和"


def test_it_names_a_unit_member_with_their_unit_where_units_were_fetched():
    unit, member = make_unit("县交通运输局", member=_name(make_user(), "李", "明"))
    assert display_name(member) == "李明"
    member = get_user_model().objects.prefetch_related("handling_units").get(pk=member.pk)
    assert display_name(member) == "李明（县交通运输局）"


def test_it_never_shows_a_login_even_without_a_name():
    user = make_user("login-only")
    shown = display_name(user)
    assert "login-only" not in shown
    assert str(user.pk) in shown


def test_the_template_filter_is_the_helper():
    user = _name(make_user("ww"), "王", "五")
    rendered = Template("{% load people %}{{ user|display_name }}").render(Context({"user": user}))
    assert rendered == "王五"


# --- a concern's history --------------------------------------------------------------------------


@pytest.mark.parametrize("viewer", ["county", "unit_user", "rep_a_user"])
def test_the_history_names_people_not_logins(client, world, viewer):
    petition, _ = receive(world)
    to_step(world, petition, "supervising")
    workflow.petition_add_note(petition=petition, actor=world.rep_a_user, note="已电话联系群众")
    client.force_login(getattr(world, viewer))
    history = _history(client.get(reverse("petitions:work_detail", args=[petition.pk])))
    assert "王建国" in history  # county staff collected and assigned
    assert f"李明（{world.unit.name}）" in history  # the unit acknowledged, named with its unit
    assert world.rep_a.name in history  # the representative's note
    for login_name in ("county", "unit", "rep_a"):
        assert not re.search(rf"·\s*{login_name}\b", history), login_name


def test_the_history_names_people_in_constant_queries(client, world):
    def queries(petition) -> int:
        url = reverse("petitions:work_detail", args=[petition.pk])
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    client.force_login(world.county)
    few, _ = receive(world)
    to_step(world, few, "collected")
    many, _ = receive(world)
    to_step(world, many, "supervising")
    others = [_name(make_county_staff(), "赵", f"{n}") for n in "一二三"]
    for user in [world.rep_a_user, world.county, *others]:
        workflow.petition_add_note(petition=many, actor=user, note="进展")
    assert queries(few) == queries(many)


def test_the_administration_names_people_around_a_concern(client, world):
    petition, _ = receive(world)
    to_step(world, petition, "reported")
    workflow.petition_survey(petition=petition, rating="satisfied", actor=world.county)
    PersonalDataView.objects.create(user=world.county, petition=petition, where="work page")
    client.force_login(make_user("root", superuser=True))
    survey = Survey.objects.get(petition=petition)
    seen = PersonalDataView.objects.get(petition=petition)
    notice = Notification.objects.filter(recipient=world.unit_user).first()
    notices = admin_url("petitions.Notification", "changelist") + f"?q={petition.tracking_no}"
    for url, name, login_name in (
        # The concern's history and ratings.
        (admin_url("petitions.Petition", "change", petition.pk), "王建国", "county"),
        (admin_url("petitions.Petition", "change", petition.pk), "李明（交通运输局）", "unit"),
        (admin_url("petitions.Survey", "changelist"), "王建国", "county"),
        (admin_url("petitions.Survey", "change", survey.pk), "王建国", "county"),
        (admin_url("petitions.PersonalDataView", "changelist"), "王建国", "county"),
        (admin_url("petitions.PersonalDataView", "change", seen.pk), "王建国", "county"),
        (notices, "李明", "unit"),
        (admin_url("petitions.Notification", "change", notice.pk), "李明", "unit"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        text = page_text(response)
        assert name in text, url
        assert not re.search(rf"\b{login_name}\b", text), url


# --- the points audit trail and the year-end runs ----------------------------------------------


def test_the_points_audit_trail_names_its_actors(client):
    staff = _name(make_user("checker", superuser=True), "王", "建国")
    rep = make_representative("周代表")
    rep.user = make_user("zhou-login")
    rep.save(update_fields=["user"])
    entry = points_services.point_entry_create(
        representative=rep,
        rule=points_services.rule_for("deed", timezone.localdate().year),
        on=timezone.localdate(),
        description="调解邻里纠纷一起",
        actor=rep.user,
    )
    points_services.point_entry_reject(entry=entry, actor=staff, reason="材料不全")
    rows = list(PointAudit.objects.select_related("actor").order_by("pk"))
    table = str(audit_table(rows, representative_id=None))
    assert "王建国" in table and "周代表" in table
    assert "checker" not in table and "zhou-login" not in table
    assert PointAuditAdmin.actor_display(None, rows[-1]) == "王建国"

    client.force_login(staff)
    trail = client.get(admin_url("points.PointAudit", "changelist"))
    text = page_text(trail)
    assert "王建国" in text and "周代表" in text
    assert "checker" not in text and "zhou-login" not in text
    # The entry's page: its reviewer, its author and its own trail.
    entry_page = page_text(client.get(admin_url("points.PointEntry", "change", entry.pk)))
    assert "王建国" in entry_page and "周代表" in entry_page
    assert "checker" not in entry_page and "zhou-login" not in entry_page

    appeal = points_services.point_entry_appeal(entry=entry, actor=None, text="照片已补充")
    points_services.appeal_answer(appeal=appeal, actor=staff, uphold=False, answer="仍不充分")
    for url in (
        admin_url("points.Appeal", "changelist") + "?state=answered",
        admin_url("points.Appeal", "change", appeal.pk),
    ):
        text = page_text(client.get(url))
        assert "王建国" in text and "checker" not in text, url


def test_the_year_end_runs_name_who_started_and_published_them(client):
    staff = _name(make_user("starter", superuser=True), "王", "建国")
    run = ReportRun.objects.create(
        year=2025, status=ReportRun.Status.DONE, started_by=staff, finished_at=timezone.now()
    )
    Publication.objects.create(year=2025, run=run, published_by=staff)
    client.force_login(staff)
    for url in (
        reverse("points:staff_report_runs"),
        reverse("points:staff_report_run", args=[run.pk]),
        admin_url("points.ReportRun", "changelist"),
        admin_url("points.ReportRun", "change", run.pk),
        admin_url("points.Publication", "changelist"),
    ):
        text = page_text(client.get(url))
        assert "王建国" in text, url
        assert "starter" not in text, url


# --- the administration's user pages, and the demo ---------------------------------------------


def test_staff_set_a_user_s_name_in_the_administration(client):
    client.force_login(make_user(superuser=True))
    user = make_user("newcomer")
    url = admin_url(get_user_model(), "change", user.pk)
    page = client.get(url)
    names = re.findall(r'name="(first_name|last_name)"', page.content.decode())
    assert sorted(names) == ["first_name", "last_name"]
    # The login is shown there, and only there.
    assert "newcomer" in page_text(page)


def test_the_demo_logins_have_names():
    names = {}
    for credentials in (DEMO_REPRESENTATIVE, DEMO_UNIT, DEMO_TOWN_STAFF, DEMO_COUNTY_STAFF):
        names[credentials[0]] = display_name(login(credentials))
    assert names == {
        DEMO_REPRESENTATIVE[0]: "柳春和",
        DEMO_UNIT[0]: "李明",
        DEMO_TOWN_STAFF[0]: "张丽",
        DEMO_COUNTY_STAFF[0]: "王建国",
    }
    admin = make_user(DEMO_ADMIN[0], superuser=True)
    give_name(admin)
    assert display_name(admin) == "陈志强"


def test_a_demo_name_never_overwrites_one_staff_gave():
    user = _name(make_user(DEMO_UNIT[0]), "赵", "六")
    give_name(user)
    user.refresh_from_db()
    assert display_name(user) == "赵六"
