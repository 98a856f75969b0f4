from django.urls import path, register_converter

from liaison.views import awards, grids, links, public, rhythm, staff


class TokenConverter:
    # secrets.token_urlsafe alphabet; anything else is a 404 before a query runs.
    regex = "[A-Za-z0-9_-]{16,64}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


class QrFormatConverter:
    regex = "png|svg"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TokenConverter, "token")
register_converter(QrFormatConverter, "qrfmt")

app_name = "liaison"


def build_urlpatterns(*, published_record=None, micro_matters=None):
    """The liaison pages. ``published_record(rep)`` gives a representative's published yearly
    records for their public page: the site's URLconf passes it in from the points app;
    ``micro_matters(grid)`` a grid's count of this year's 微实事, from the petitions app."""
    return [
        path("", public.home, name="home"),
        path("stations/", public.station_list, name="station_list"),
        path("stations/<slug:slug>/", public.station_detail, name="station_detail"),
        path("s/<token:token>/", public.station_qr_page, name="station_qr_page"),
        path("s/<token:token>/qr.<qrfmt:fmt>", public.station_qr, name="station_qr"),
        path(
            "r/<token:token>/",
            public.representative_detail,
            {"published_record": published_record},
            name="representative_detail",
        ),
        path("r/<token:token>/qr.<qrfmt:fmt>", public.representative_qr, name="representative_qr"),
        path(
            "grids/<int:pk>/",
            grids.grid_detail,
            {"micro_matters": micro_matters},
            name="grid_detail",
        ),
        path("staff/qr-cards/", staff.qr_cards, name="qr_cards"),
        path("me/", staff.my_page, name="my_page"),
        path("staff/rhythm/", rhythm.rhythm_this_year, name="staff_rhythm_now"),
        path("staff/rhythm/<int:year>/", rhythm.rhythm_year, name="staff_rhythm"),
        # The five links (五联系机制).
        path("staff/links/", links.staff_links, name="staff_links"),
        path("staff/links/coverage/", links.staff_coverage, name="staff_links_coverage"),
        path("staff/links/<int:pk>/", links.staff_link_detail, name="staff_link_detail"),
        path("me/links/", links.my_links, name="my_links"),
        path("me/contacts/", links.my_contacts, name="my_contacts"),
        # Awards by stars (以奖代补, issue #14).
        path("staff/awards/", awards.award_years, name="staff_awards"),
        path("staff/awards/<int:year>/", awards.award_year, name="staff_award_year"),
        path("staff/awards/<int:year>/lock/", awards.award_lock, name="staff_award_lock"),
        path("staff/awards/<int:year>/export.xlsx", awards.award_export, name="staff_award_export"),
    ]


# On its own (tests of liaison alone), a representative's page shows no yearly record.
urlpatterns = build_urlpatterns()
