"""The move-time control: runs the jobs engine's jobs "as of" a moment the visitor picks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.sandbox.state import JobInfo, TimeControl
from bot.scheduling import job_context
from bot.wiring import Core
from jobs.catalogue import CATALOGUE, run_job
from jobs.context import JobContext
from jobs.workdays import add_working_days

# Button labels: the catalogue's names are identifiers, the page needs words.
_ACRONYMS = {"smt": "SMT", "reci": "RECI"}


def job_label(name: str) -> str:
    return " ".join(_ACRONYMS.get(word, word) for word in name.split("_"))


@dataclass
class JobsTimeControl:
    """Each run goes through `jobs.catalogue.run_job`, as the scheduler and `nudgebot jobs run` do."""

    context: JobContext

    def jobs(self) -> Sequence[JobInfo]:
        return [JobInfo(spec.name, job_label(spec.name), spec.description) for spec in CATALOGUE.values()]

    async def run(self, name: str, at: datetime) -> str:
        report = await run_job(self.context, name, at=at)
        said = [f"{len(report.sent)} message(s) sent", *report.notes]
        if report.failed:
            said.append(f"{len(report.failed)} failed")
        return "; ".join(said) + "."

    def tour(self, start: datetime) -> Sequence[str]:
        settings = self.context.settings
        gap, reminders = settings.reminder_after_working_days, settings.escalate_after_reminders
        first = add_working_days(start.date(), gap)
        escalation = add_working_days(start.date(), gap * (reminders + 1))
        at = f"{start:%H:%M}"
        return (
            f"It is {start:%A %-d %B %Y}, {at}. Act as an action owner and press Run nudges: their "
            "nudge arrives in Direct messages. Click On track on one of their actions.",
            "A success measure that is due is listed under its action (VOI-4's six-monthly audit, say): "
            "click Add update on that action, give the audit's figure in its box and save. /commitments "
            "VOI-4 then shows it against its benchmark.",
            f"Move to {first:%A %-d %B} at {at} and run nudges again: a reminder about the rest.",
            f"Move to {escalation:%A %-d %B} at {at} and run nudges: after {reminders} unanswered "
            "reminder(s) the updates escalate to the owner's team lead in the SMT (act as them to see it).",
            "Act as an SMT member, open the #smt channel and press Run SMT digest: the week's progress, "
            "with its charts: actions by status, and measures against their targets.",
            "Type /commitments and an action's key (INF-2, say) to see the status an owner gave.",
        )


def default_time_control(core: Core) -> TimeControl | None:
    """The jobs engine's jobs, sending through the sandbox's own messenger (set before this is called)."""
    if core.deps.messenger is None:
        return None
    return JobsTimeControl(job_context(core, core.deps.messenger))
