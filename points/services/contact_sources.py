"""Points from the five links' contact log (五联系机制, liaison/links.py).

A representative's own contact with the people (代表联系人民群众, a log row on their
``representative_people`` link) earns the ``contact`` rule (联系选民), one entry per row,
on the row's date. Rows of the other four kinds score nothing here: they are the leaders'
contacts (主任会议成员, 常委会组成人员, 工作委员会), and the leaders are not scored by the
representatives' table. A 常委会组成人员 ↔ 代表 contact does not score the representative
either: the leader logs it, the representative is only its object, and an entry the
representative cannot show they did (MISSION.md) would let a leader award points.
"""

from django.db import transaction

from liaison.models import ContactLog, LinkKind
from points.models import PointEntry
from points.services.sources import _sync


@transaction.atomic
def contact_sync(*, contact: ContactLog) -> PointEntry | None:
    """A representative's contact with the people → its ``contact`` entry; other kinds,
    nothing."""
    link = contact.link
    if link.kind != LinkKind.REPRESENTATIVE_PEOPLE or link.from_representative_id is None:
        return None
    return _sync(
        source=PointEntry.Source.CONTACT,
        source_id=contact.pk,
        representative=link.from_representative,
        rule_code="contact",
        on=contact.date,
        description=contact.get_way_display(),
    )
