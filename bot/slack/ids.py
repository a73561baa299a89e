"""Every Slack-side id nudgebot uses, in one place: routes, callback ids, action-id suffixes, limits."""

from __future__ import annotations

PLATFORM = "slack"
EVENTS_PATH = "/slack/events"

# One callback id for every modal; the neutral form id travels in `private_metadata`.
FORM_CALLBACK = "nudgebot.form"

# Slack needs action_ids unique within a message, so each button gets "<neutral id>#<block>.<n>".
ACTION_SUFFIX = "#"

# Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks).
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_SECTION_TEXT = 3000
MAX_FIELDS = 10
MAX_FIELD_TEXT = 2000
MAX_ACTION_ELEMENTS = 25
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_VIEW_TITLE = 24
MAX_PRIVATE_METADATA = 3000
MAX_OPTIONS = 100
MAX_FALLBACK_TEXT = 3000


def slack_action_id(neutral: str, block: int, index: int) -> str:
    return f"{neutral}{ACTION_SUFFIX}{block}.{index}"


def neutral_action_id(slack_id: str) -> str:
    """The neutral action id back from a Slack action_id (ids without a suffix pass through)."""
    return slack_id.rsplit(ACTION_SUFFIX, 1)[0]
