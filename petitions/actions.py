"""The one table of what may happen to a concern (``ACTIONS``): from which steps, to which
step, and who may do it. ``petitions/workflow.py`` reads it to draw the buttons
(``allowed_actions``) and checks it again in every transition; it lives apart so the table
can be read whole, without the machinery."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy

from liaison.roles import Roles
from petitions import rules
from petitions.models import HANDLING_STEPS, OPEN_STEPS, Step

# --- who may act ---------------------------------------------------------------------------
# Each action's ``who`` is a rule of petitions/rules.py: a filter built from the user's roles,
# judged with the rule the lists and detail pages are built from (nobody acts unseen).


@dataclass(frozen=True)
class Action:
    name: str
    label: object
    from_steps: tuple[str, ...]
    to_step: str | None  # None: the step does not change
    who: Callable[[Roles], Q]  # a rule of petitions/rules.py
    style: str = "secondary"


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in [
        Action(
            "collect",
            gettext_lazy("Collect"),
            (Step.RECEIVED,),
            Step.COLLECTED,
            rules.collector,
            "primary",
        ),
        Action(
            "reject",
            gettext_lazy("Do not accept"),
            (Step.RECEIVED, Step.COLLECTED),
            Step.REJECTED,
            rules.collector,
            "danger",
        ),
        Action(
            "merge",
            gettext_lazy("Merge into a common issue"),
            (Step.RECEIVED, Step.COLLECTED),
            Step.MERGED,
            rules.congress_staff,
        ),
        Action(
            "assign",
            gettext_lazy("Assign"),
            (Step.COLLECTED,),
            Step.ASSIGNED,
            rules.assigner,
            "primary",
        ),
        Action(
            "accept",
            gettext_lazy("Acknowledge"),
            (Step.ASSIGNED,),
            Step.SUPERVISING,
            rules.unit,
            "primary",
        ),
        Action(
            "return",
            gettext_lazy("Return as wrongly assigned"),
            HANDLING_STEPS,
            Step.COLLECTED,
            rules.unit,
            "warning",
        ),
        Action(
            "note",
            gettext_lazy("Add a supervision note"),
            (*HANDLING_STEPS, Step.REPORTED),
            None,
            rules.collector,
        ),
        Action(
            "remind",
            gettext_lazy("Send a reminder"),
            HANDLING_STEPS,
            None,
            rules.collector,
        ),
        Action("reply", gettext_lazy("Reply to the citizen"), OPEN_STEPS, None, rules.collector),
        # Extension and escalation (督办): their functions are in petitions/escalation.py.
        Action(
            "request_extension",
            gettext_lazy("Ask for more time"),
            HANDLING_STEPS,
            None,
            rules.extension_asker,
        ),
        Action(
            "approve_extension",
            gettext_lazy("Approve the extension"),
            HANDLING_STEPS,
            None,
            rules.extension_answerer,
            "primary",
        ),
        Action(
            "refuse_extension",
            gettext_lazy("Refuse the extension"),
            HANDLING_STEPS,
            None,
            rules.extension_answerer,
        ),
        Action(
            "urge",
            gettext_lazy("Urge the unit (催办)"),
            HANDLING_STEPS,
            None,
            rules.escalator,
            "danger",
        ),
        Action(
            "interview",
            gettext_lazy("Interview the unit's head (约谈)"),
            HANDLING_STEPS,
            None,
            rules.escalator,
            "danger",
        ),
        Action(
            "public_notice",
            gettext_lazy("Public notice (通报)"),
            HANDLING_STEPS,
            None,
            rules.escalator,
            "danger",
        ),
        Action(
            "flag",
            gettext_lazy("Flag for the standing committee (挂牌督办)"),
            HANDLING_STEPS,
            None,
            rules.flagger,
            "danger",
        ),
        Action(
            "report",
            gettext_lazy("Report the result"),
            HANDLING_STEPS,
            Step.REPORTED,
            rules.unit_or_county,
            "primary",
        ),
        Action(
            "record_survey",
            gettext_lazy("Record the citizen's rating"),
            (Step.REPORTED,),
            Step.SURVEYED,
            rules.collector,
        ),
        Action(
            "close",
            gettext_lazy("Close without a rating"),
            (Step.REPORTED,),
            Step.CLOSED,
            rules.congress_staff,
        ),
        # 信访+法律咨询 (issue #11): a legal worker's advice, at any step (a concern not
        # accepted may need it most), shown to the citizen when the worker says so.
        Action(
            "legal_advice",
            gettext_lazy("Add legal advice"),
            tuple(Step.values),
            None,
            rules.legal_adviser,
            "primary",
        ),
        # 微实事 (issue #11): a flag on a concern from a grid's village, any step but dropped.
        Action(
            "micro_matter",
            gettext_lazy("Small matter (微实事)"),
            (*OPEN_STEPS, Step.SURVEYED, Step.CLOSED),
            None,
            rules.micro_marker,
        ),
    ]
}
