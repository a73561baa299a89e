"""Neutral action and form ids: the contract between messages that carry buttons and their handlers.

Adapters never invent these; they pass them through (Slack `action_id`/`callback_id`, Teams card
verbs, sandbox form fields). Values are plain strings; where a value carries two things, `|` joins them.
"""

from __future__ import annotations

# Buttons on the nudge message; value: "<ACTION-KEY>" (the owner's own action).
NUDGE_ON_TRACK = "nudge.on_track"
NUDGE_AT_RISK = "nudge.at_risk"
NUDGE_OFF_TRACK = "nudge.off_track"
NUDGE_DONE = "nudge.done"
NUDGE_ADD_UPDATE = "nudge.add_update"
NUDGE_SNOOZE = "nudge.snooze"
NUDGE_NOT_MINE = "nudge.not_mine"
NUDGE_STATUS_ACTIONS = {
    NUDGE_ON_TRACK: "on_track",
    NUDGE_AT_RISK: "at_risk",
    NUDGE_OFF_TRACK: "off_track",
    NUDGE_DONE: "done",
}

# Paging and navigation in look-ups; value: the command text to run, e.g. "page=2 objective=INF".
COMMITMENTS_PAGE = "commitments.page"
COMMITMENTS_SHOW = "commitments.show"

# Forms.
FORM_UPDATE = "update"  # state: "<ACTION-KEY>"
FORM_SMART = "smart"
FORM_SURVEY_NEW = "survey.new"
FORM_SURVEY_ANSWER = "survey.answer"  # state: "<survey id>"
FORM_SURVEY_PREVIEW = "survey.preview"  # state: the new-survey form's values, compressed
FORM_SURVEY_RECEIPT = "survey.receipt"  # the "received" / "stored" note shown in the form itself

# The review (handlers.review, handlers.challenges); REVIEW_RECORD value: an action key or "".
REVIEW_RECORD = "review.record"
REVIEW_PLAN = "review.plan"
REVIEW_CHALLENGE = "review.challenge"  # value: "<ACTION-KEY>"
REVIEW_ANSWER = "review.answer"  # value: "<challenge id>"
FORM_REVIEW_ACTION = "review.action"  # state: "<review date>|<ACTION-KEY>|<fingerprints of what was shown>"
FORM_REVIEW_PLAN = "review.plan"  # state: "<review date>||<fingerprints>"
FORM_CHALLENGE = "review.challenge"  # state: "<ACTION-KEY>"
FORM_ANSWER = "review.answer"  # state: "<challenge id>"

# A line manager's buttons on a SMART objective; value: "<person id>" (outcome: "<person id>|met").
SMART_AGREE = "smart.agree"
SMART_CHANGES = "smart.changes"
SMART_OUTCOME = "smart.outcome"
FORM_SMART_CHANGES = "smart.changes"  # state: "<person id>"

# Survey buttons; value: "<survey id>".
SURVEY_RESPOND = "survey.respond"
SURVEY_RELEASE_TEXT = "survey.release_text"
