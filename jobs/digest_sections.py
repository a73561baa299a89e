"""The sections of both digests, in order: the extension point other features add to. A new section
in either digest is one function and one line here.

- SMT: a function `(data, today) -> parts` (`jobs.smt_sections.SmtSection`) over the digest's data,
  gathered once, so the digest's SQL does not grow with its sections.
- RECI: an async function `(session, period, now) -> parts` (`jobs.context.DigestSection`) that runs
  its own queries and names no individual, after the digest's progress, attention and dates. Pass
  `JobContext(reci_sections=[...])` to choose them for one context (tests, the sandbox).
"""

from __future__ import annotations

from jobs.context import DigestSection
from jobs.smt_sections import (
    SmtSection,
    attention_section,
    coming_section,
    coverage_section,
    evidence_section,
    failed_section,
    overdue_section,
    progress_section,
    team_section,
)
from jobs.survey_jobs import survey_section

SMT_SECTIONS: tuple[SmtSection, ...] = (
    progress_section,
    attention_section,
    overdue_section,
    evidence_section,
    coverage_section,
    team_section,
    coming_section,
    failed_section,
)

RECI_SECTIONS: tuple[DigestSection, ...] = (survey_section,)
