"""Demo data shaped like Zhashui county: 9 towns, 41 stations (22 village points, 3
professional), about 150 representatives of the five levels, last year's star ratings,
the handling units (town governments, county departments, 一府两院), about forty concerns
in every step of the six-step loop, performance points, and five demo logins. Idempotent:
a second run adds nothing.

Every person here is invented; the bios say so.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from demo import activity_results as demo_activity_results
from demo import awards as demo_awards
from demo import grids as demo_grids
from demo import history as demo_history
from demo import keyissues as demo_keyissues
from demo import legal as demo_legal
from demo import liaison as demo_liaison
from demo import links as demo_links
from demo import mediation as demo_mediation
from demo import petitions as demo_petitions
from demo import points as demo_points
from demo import ratings as demo_ratings
from demo import rhythm as demo_rhythm
from demo import study as demo_study
from demo import two_factor as demo_two_factor
from liaison.models import Representative, Station
from petitions.models import Petition


class Command(BaseCommand):
    help = "Load the Zhashui demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        towns = demo_liaison.county_load()
        units = demo_petitions.handling_units(towns)
        logins = demo_petitions.staff_logins(towns)
        # The superuser and the county staff login must pass a second factor (issue #10).
        demo_two_factor.second_factors_load()
        demo_petitions.PetitionDemo(units=units, **logins).load()
        # Issue #11: 乾佑街道's grids and 红岩寺镇's 分片包区, with a few grid concerns (before
        # the summary below counts the concerns; they earn no points).
        demo_grids.load(county=logins["county"], town_staff=logins["town_staff"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {Station.objects.count()} stations, "
                f"{Representative.objects.count()} representatives, "
                f"{len(units)} handling units, {Petition.objects.count()} concerns."
            )
        )
        # Last year's and this year's activities, duty days and claims, and the year-end
        # report (issue #4): after the concerns, whose results earn points too.
        demo_points.load(
            rep=logins["rep"],
            rep_user=logins["rep_user"],
            county=logins["county"],
            stdout=self.stdout,
        )
        demo_mediation.load(rep=logins["rep"], county=logins["county"], stdout=self.stdout)
        # Study (线上学, issue #11): materials, reads and last month's collective study.
        demo_study.load(
            county=logins["county"],
            town_staff=logins["town_staff"],
            rep=logins["rep"],
            stdout=self.stdout,
        )
        # Legal help (issue #11): the legal workers, their advice and the joint receptions.
        demo_legal.load(county=logins["county"], stdout=self.stdout)
        # The stations' rhythm and this quarter's key issues (issue #11).
        demo_rhythm.load(county=logins["county"])
        demo_keyissues.load(rep=logins["rep"], rep_user=logins["rep_user"], county=logins["county"])
        # The five links (issue #11): the leadership, the links and their contact log.
        demo_links.load(county=logins["county"], stdout=self.stdout)
        # Issue #14: this year's activities' results (four concerns raised at them).
        demo_activity_results.load(county=logins["county"], stdout=self.stdout)
        demo_history.load(county=logins["county"], stdout=self.stdout)  # last year's concerns
        # Last year's and this year's star ratings, 五成效 measured from the records (issue #14):
        # after every part whose records they count.
        demo_ratings.load(county=logins["county"])
        # Awards by stars (issue #14): after every part that rates stations, as the lock
        # freezes last year's ratings.
        demo_awards.load(county=logins["county"])
        # Last, as every part may bring concerns of its own: the count the demo ends with.
        self.stdout.write(self.style.SUCCESS(f"In all: {Petition.objects.count()} concerns."))
