"""The five links' demo of `load_demo` (issue #11, item 4): the leadership, the committees,
the groups, links of every kind with gaps, contacts this quarter and last, and the pages
they fill (loaded once for the package: see conftest.py)."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.links import DEMO_LEADER
from demo.logins import DEMO_COUNTY_STAFF, DEMO_REPRESENTATIVE_NAME
from liaison import links
from liaison.models import ContactLog, Leader, Link, LinkKind, Representative
from points.models import PointEntry
from tests.helpers import page_text

User = get_user_model()

pytestmark = pytest.mark.django_db


def test_it_loads_the_leadership_and_links_of_every_kind(demo):
    assert Leader.objects.filter(is_chairpersons_meeting=True).count() == 5
    assert Leader.objects.filter(post=Leader.Post.MEMBER).count() == 7
    kinds = set(Link.objects.values_list("kind", flat=True))
    assert kinds == set(LinkKind.values)
    assert "Five links demo:" in demo


def test_the_coverage_shows_a_gap_and_links_not_contacted_this_quarter():
    year, quarter = links.current_quarter()
    result = {k.kind: k for k in links.coverage(year=year, quarter=quarter)}
    assert result["director_town"].unlinked == ["瓦房口镇"]
    assert result["member_representative"].not_contacted
    first, _last = links.quarter_bounds(year, quarter)
    assert ContactLog.objects.filter(date__gte=first).exists()
    assert ContactLog.objects.filter(date__lt=first).exists()


def test_the_demo_representatives_contacts_with_the_people_earn_points():
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    assert PointEntry.objects.filter(representative=rep, source=PointEntry.Source.CONTACT).exists()


def test_the_pages_are_filled(client):
    rep = Representative.objects.get(name=DEMO_REPRESENTATIVE_NAME)
    text = page_text(client.get(rep.get_absolute_url()))
    assert "孙晓梅" in text  # the first standing committee member keeps in touch with them
    client.force_login(User.objects.get(username=DEMO_LEADER[0]))
    response = client.get(reverse("liaison:my_links"))
    assert response.status_code == 200
    assert "乾佑街道" in page_text(response)


def test_county_staff_see_the_coverage_page(client):
    client.force_login(User.objects.get(username=DEMO_COUNTY_STAFF[0]))
    response = client.get(reverse("liaison:staff_links_coverage"))
    assert response.status_code == 200
    assert "瓦房口镇" in page_text(response)
    assert timezone.localdate().strftime("%Y") in page_text(response)


def test_demo_info_prints_the_leaders_login():
    out = StringIO()
    call_command("demo_info", stdout=out)
    assert DEMO_LEADER[0] in out.getvalue() and reverse("liaison:my_links") in out.getvalue()
