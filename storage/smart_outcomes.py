"""SMART objectives by role: how many are agreed and how they ended, for the roles a plan names."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ObjectiveOutcome, Person, PersonRole, SmartObjective


@dataclass(frozen=True)
class RoleOutcomes:
    """For one role: eligible people (active, outside probation), agreed objectives, outcomes recorded."""

    role: str
    eligible: int
    agreed: int
    outcomes: Counter[str]

    @property
    def met_or_progress(self) -> int:
        return self.outcomes[ObjectiveOutcome.MET.value] + self.outcomes[ObjectiveOutcome.GOOD_PROGRESS.value]

    @property
    def recorded(self) -> int:
        return sum(self.outcomes.values())


async def outcomes_by_role(
    session: AsyncSession, *, plan_id: int, roles: Sequence[str]
) -> list[RoleOutcomes]:
    """One row per role in `roles` (in that order), in one query."""
    if not roles:
        return []
    rows = (
        await session.execute(
            select(PersonRole.role_name, SmartObjective.agreed, SmartObjective.outcome)
            .join(Person, Person.id == PersonRole.person_id)
            .outerjoin(
                SmartObjective,
                (SmartObjective.person_id == Person.id) & (SmartObjective.plan_id == plan_id),
            )
            .where(
                PersonRole.role_name.in_(list(roles)),
                Person.active.is_(True),
                Person.on_probation.is_(False),
            )
        )
    ).all()
    tallies: dict[str, tuple[int, int, Counter[str]]] = {r: (0, 0, Counter()) for r in roles}
    for role, agreed, outcome in rows:
        eligible, count, outcomes = tallies[role]
        if outcome:
            outcomes[outcome] += 1
        tallies[role] = (eligible + 1, count + int(bool(agreed)), outcomes)
    return [RoleOutcomes(r, e, a, o) for r, (e, a, o) in tallies.items()]


OUTCOME_LABELS = {
    ObjectiveOutcome.MET.value: "met",
    ObjectiveOutcome.GOOD_PROGRESS.value: "good progress",
    ObjectiveOutcome.NOT_MET.value: "not met",
}
