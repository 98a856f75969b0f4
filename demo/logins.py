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


def login(credentials: tuple[str, str], **fields):
    """The user with these credentials, created with ``fields`` unless it exists."""
    User = get_user_model()
    username, password = credentials
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User.objects.create_user(username=username, password=password, **fields)
    return user


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
