"""A plan's own words: what nudgebot calls the organisation, its staff network, the plan's subject and
its board, and whose SMART coverage is reported. Code names none of them; the plan file does.

In the plan file, under `plan:`::

    wording:
      organisation: NHS Providers
      subject: race equality            # "your SMART objective on race equality"
      network: RECI                     # the staff network whose digest and surveys these are
      network_name: Racial Equality and Cultural Inclusion Group
      board: Trustees                   # "Trustees' annual reflection"
      coverage_roles: [policy, smt]     # SMART coverage the SMT digest reports
    channels:
      smt: C0123SMT                     # this plan's SMT digest; default SMT_CHANNEL
      network: C0456NET                 # this plan's network digest; default RECI_CHANNEL
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from storage.models import Plan
from storage.plan_file import WORDING_TEXT


@dataclass(frozen=True)
class PlanWording:
    organisation: str = ""
    subject: str = ""
    network: str = ""
    network_name: str = ""
    board: str = ""
    coverage_roles: tuple[str, ...] = ()

    @classmethod
    def from_stored(cls, stored: dict[str, Any] | None) -> PlanWording:
        """From the plan row's JSON; anything missing or of the wrong shape reads as empty."""
        stored = stored or {}
        texts = {name: str(stored.get(name) or "") for name in WORDING_TEXT}
        roles = stored.get("coverage_roles") or ()
        return cls(**texts, coverage_roles=tuple(str(r) for r in roles) if isinstance(roles, list) else ())

    @classmethod
    def of(cls, plan: Plan | None) -> PlanWording:
        return cls.from_stored(plan.wording if plan is not None else None)

    @property
    def on_subject(self) -> str:
        """' on race equality', or '' when the plan names no subject: "your SMART objective{on_subject}"."""
        return f" on {self.subject}" if self.subject else ""

    @property
    def network_label(self) -> str:
        """How a message names the network: 'RECI', else 'the staff network'."""
        return self.network or "the staff network"

    @property
    def network_long(self) -> str:
        """'the Racial Equality and Cultural Inclusion Group (RECI)', with what the plan gives."""
        if self.network_name and self.network:
            return f"the {self.network_name} ({self.network})"
        return f"the {self.network_name}" if self.network_name else self.network_label

    @property
    def annual_reflection(self) -> str:
        """ "Trustees' annual reflection" (a plural board), "the Board's …", or plain "Annual reflection"."""
        if not self.board:
            return "Annual reflection"
        return (
            f"{self.board}' annual reflection"
            if self.board.endswith("s")
            else f"{self.board}'s annual reflection"
        )
