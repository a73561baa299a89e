"""`plan export`: the plan as it stands in the database, written back as a plan file.

Changes made in chat (a new owner after *Not mine*) live in the database; exporting writes them into
the YAML people review, in the same shape `storage.plan_file` reads, so the file stays the source of
truth: export, review the diff, commit it, and a later `plan import` of it changes nothing.
"""

from __future__ import annotations

from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Plan
from storage.plan_queries import action_in_full, plan_tree


async def export_plan(session: AsyncSession, plan: Plan) -> str:
    """The plan file text for `plan`: live objectives and actions, in plan order."""
    document: dict[str, Any] = {"plan": _plan_fields(plan), "objectives": []}
    for objective in await plan_tree(session, plan.id):
        actions = []
        for listed in objective.actions:
            action = await action_in_full(session, plan.id, listed.key)
            assert action is not None  # listed by the tree just above
            entry: dict[str, Any] = {"key": action.key, "title": action.title}
            if action.team:
                entry["team"] = action.team
            entry["owners"] = [o.email for o in action.owners]
            entry["stretch"] = action.stretch
            entry["cadence"] = action.cadence
            if action.group_label:
                entry["group"] = action.group_label
            entry["steps"] = [s.text for s in action.steps]
            entry["outcomes"] = [o.text for o in action.outcomes]
            entry["measures"] = [_measure(m) for m in action.measures]
            actions.append(entry)
        item: dict[str, Any] = {"key": objective.key, "name": objective.name}
        if objective.summary:
            item["summary"] = objective.summary
        item["actions"] = actions
        document["objectives"].append(item)
    header = f"# {plan.name}: exported by `nudgebot plan export`, with the changes made in chat.\n"
    return header + yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)


def _plan_fields(plan: Plan) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "key": plan.key,
        "name": plan.name,
        "starts": plan.starts,
        "ends": plan.ends,
        "review_cadence": plan.review_cadence,
    }
    if plan.wording:
        fields["wording"] = dict(plan.wording)
    channels = {k: v for k, v in (("smt", plan.smt_channel), ("network", plan.network_channel)) if v}
    if channels:
        fields["channels"] = channels
    if plan.description:
        fields["description"] = plan.description
    return fields


def _measure(measure: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"text": measure.text, "kind": measure.kind}
    if measure.target:
        out["target"] = measure.target
    if measure.cadence:
        out["cadence"] = measure.cadence
    if measure.stretch:
        out["stretch"] = True
    return out
