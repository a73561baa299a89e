"""Extra sections for the RECI digest: the extension point other features add to.

A section is an async function `(session, period, now) -> parts` (`jobs.context.DigestSection`) that
names no individual. Add yours to `RECI_SECTIONS` (the default for every run), or pass
`JobContext(reci_sections=[...])` to choose for one context (tests, the sandbox).
"""

from __future__ import annotations

from jobs.context import DigestSection
from jobs.survey_jobs import survey_section

RECI_SECTIONS: tuple[DigestSection, ...] = (survey_section,)
