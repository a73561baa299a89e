"""The builder's preview: the very form people will be sent, shown to the RECI member before it opens.

The new-survey form's values travel in the preview's state (compressed: Slack keeps a modal's state in
`private_metadata`, at most 3,000 characters), so nothing is stored before the survey opens. Pressing
"Open survey" on the preview opens it exactly as previewed.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from dataclasses import replace

from handlers import actions
from handlers.markup import bold, escape, truncate
from handlers.messages import Form
from handlers.surveys.forms import answer_form
from storage.models import Survey, SurveyQuestion
from storage.surveys import SurveySpec

# Room left for the state in Slack's private_metadata, after the form id and where it came from.
MAX_STATE = 2400
NEXT = "then"
PREVIEW, OPEN_NOW = "preview", "open"


def encode(values: Mapping[str, str]) -> str:
    raw = json.dumps(dict(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode()


def decode(state: str) -> dict[str, str]:
    """The form values back from a preview's state; {} when it is not one of ours."""
    try:
        loaded = json.loads(zlib.decompress(base64.urlsafe_b64decode(state.encode())))
    except (ValueError, zlib.error):
        return {}
    return {str(k): str(v) for k, v in loaded.items()} if isinstance(loaded, dict) else {}


def _as_survey(spec: SurveySpec) -> Survey:
    """A survey object that is never added to a session: only to draw the form from."""
    return Survey(
        id="preview",
        title=spec.title,
        intro=spec.intro,
        min_answers=spec.min_answers,
        closes_on=spec.closes_on,
        questions=[
            SurveyQuestion(
                position=i,
                kind=q.kind,
                prompt=q.prompt,
                options=list(q.options),
                low_label=q.low_label,
                high_label=q.high_label,
                describes_group=q.describes_group,
            )
            for i, q in enumerate(spec.questions, start=1)
        ],
    )


def preview_form(spec: SurveySpec, values: Mapping[str, str]) -> Form | None:
    """The answer form as people will see it, with "Open survey"; None when the values are too long."""
    state = encode({k: v for k, v in values.items() if k != NEXT} | {NEXT: OPEN_NOW})
    if len(state) > MAX_STATE:
        return None
    shown = answer_form(_as_survey(spec))
    note = (
        f"{bold('Preview')}: this is exactly the form people will be sent. Nothing you choose here is "
        "stored. Press Open survey to send the invitations, or close this to change something."
    )
    intro = (
        f"{note}\n\n{escape(truncate(spec.intro, 1500))}\n\n{shown.intro}"
        if spec.intro
        else f"{note}\n\n{shown.intro}"
    )
    return Form(
        form_id=actions.FORM_SURVEY_PREVIEW,
        title="Preview",
        intro=intro,
        inputs=tuple(replace(i, required=False) for i in shown.inputs),
        submit_label="Open survey",
        state=state,
    )
