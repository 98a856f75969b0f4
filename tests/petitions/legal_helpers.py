"""Legal workers (issue #11) on top of the world: one at station A's legal-service room, one
at the county petition hall; and concerns received at the hall."""

import uuid

from liaison.models import StaffScope
from petitions import services
from petitions.models import Petition
from tests.base import make_user


def make_legal_worker(username, *, station=None, first_name="", last_name=""):
    """A legal worker's login: a user (not congress staff, no admin) with a scope of level
    legal, at ``station``'s legal-service room or, without one, at the county petition hall."""
    user = make_user(username)
    if first_name or last_name:
        user.first_name, user.last_name = first_name, last_name
        user.save(update_fields=["first_name", "last_name"])
    StaffScope.objects.create(user=user, level=StaffScope.Level.LEGAL, station=station)
    return user


def receive_at_hall(world, *, text="邻里宅基地纠纷，希望得到法律帮助。", **kw) -> Petition:
    """A concern entered by county staff as received at the county petition hall."""
    petition, _token, _ = services.petition_receive(
        channel=Petition.Channel.PETITION_HALL,
        text=text,
        town=kw.pop("town", world.town_a),
        entered_by=world.county,
        submit_key=uuid.uuid4(),
        **kw,
    )
    return petition
