"""The demo's five logins and the two staff groups, shared by every part of the demo (the
county, the concerns and the points each give the groups their own permissions) and by
`demo_info`, which prints the logins."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

DEMO_ADMIN = ("admin", "Zhashui-admin-2026")
DEMO_REPRESENTATIVE = ("daibiao", "Zhashui-daibiao-2026")
DEMO_REPRESENTATIVE_NAME = "柳春和"
# A member of 柞水县交通运输局: the handling unit's pages.
DEMO_UNIT = ("danwei", "Zhashui-danwei-2026")
# Congress staff of 乾佑街道 (the town level) and of the county standing committee.
DEMO_TOWN_STAFF = ("zhenjie", "Zhashui-zhenjie-2026")
DEMO_COUNTY_STAFF = ("xianrenda", "Zhashui-xianrenda-2026")
TOWN_STAFF_GROUP = "town staff"
COUNTY_STAFF_GROUP = "county staff"
# The people behind the logins (invented), as the portal shows them to others: a concern's
# history names who acted, never a login. Family name, given name.
DEMO_NAMES = {
    DEMO_ADMIN[0]: ("陈", "志强"),
    DEMO_REPRESENTATIVE[0]: ("柳", "春和"),
    DEMO_UNIT[0]: ("李", "明"),
    DEMO_TOWN_STAFF[0]: ("张", "丽"),
    DEMO_COUNTY_STAFF[0]: ("王", "建国"),
}


def login(credentials: tuple[str, str], **fields):
    """The user with these credentials, created with ``fields`` unless it exists, and with
    their demo name."""
    User = get_user_model()
    username, password = credentials
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password, **fields)
    give_name(user)
    return user


def give_name(user) -> None:
    """Give a demo login its person's name, unless staff already named them."""
    if user.first_name or user.last_name or user.get_username() not in DEMO_NAMES:
        return
    user.last_name, user.first_name = DEMO_NAMES[user.get_username()]
    user.save(update_fields=["first_name", "last_name"])


def staff_group(name: str, permissions: dict) -> Group:
    """The group ``name``, given (at least) ``permissions``: {app: {model: [verbs]}}."""
    group, _ = Group.objects.get_or_create(name=name)
    for app_label, models in permissions.items():
        for model, verbs in models.items():
            codenames = [f"{verb}_{model}" for verb in verbs]
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
    return group
