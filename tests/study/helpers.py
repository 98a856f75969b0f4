"""Making study materials for the tests, through the services only."""

from liaison.models import Representative
from study import services
from study.models import Material


def make_material(
    actor,
    *,
    title="中华人民共和国消防法",
    kind=Material.Kind.LAW,
    audience=Material.Audience.ALL,
    level="",
    station=None,
    publish=True,
    url="https://flk.npc.gov.cn/",
    **more,
) -> Material:
    return services.material_create(
        actor=actor,
        title=title,
        kind=kind,
        audience=audience,
        level=level,
        station=station,
        url=url,
        publish=publish,
        **more,
    )


def level_material(actor, level=Representative.Level.COUNTY, **kw) -> Material:
    return make_material(actor, audience=Material.Audience.LEVEL, level=level, **kw)


def station_material(actor, station, **kw) -> Material:
    return make_material(actor, audience=Material.Audience.STATION, station=station, **kw)
