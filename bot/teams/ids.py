"""Every Teams-side id nudgebot uses, in one place: route, card keys, retryable statuses, manifest."""

from __future__ import annotations

PLATFORM = "teams"
CHANNEL_ID = "msteams"
MESSAGES_PATH = "/api/messages"

# Adaptive Cards 1.5 is what Teams renders on desktop, web and mobile.
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_VERSION = "1.5"

# Keys of an Action.Submit's `data`, which Teams hands back as the message activity's `value`.
ACTION_KEY = "nudgebot_action"
VALUE_KEY = "value"
FORM_KEY = "nudgebot_form"
# Prefixed, unlike the neutral `Form.state`, so that no form input named "state" can overwrite it.
STATE_KEY = "nudgebot_state"
# The form's own definition travels with its submit button, so errors can be shown on the same card
# without keeping anything in memory (the way Slack keeps it in a modal's private_metadata).
FORM_DEF_KEY = "nudgebot_form_def"

# Teams bot ids are the app id with this prefix.
BOT_ID_PREFIX = "28:"

# Bot Connector answers worth another try later (https://learn.microsoft.com/microsoftteams/platform/
# bots/how-to/rate-limit): throttled, precondition failed (a concurrent edit), bad gateway, timeout.
RETRYABLE_STATUS = frozenset({429, 412, 502, 504})

# Dedupe keys in processed_deliveries: the activity id, prefixed so that a handler recording the same
# activity id as its own delivery id is never mistaken for a duplicate.
DELIVERY_PREFIX = "activity:"

# The app package (https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema).
MANIFEST_VERSION = "1.19"
MANIFEST_SCHEMA = "https://developer.microsoft.com/json-schemas/teams/v1.19/MicrosoftTeams.schema.json"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
COLOR_ICON_SIZE = 192
OUTLINE_ICON_SIZE = 32

# Limits Teams enforces: about 28 KB per message
# (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/format-your-bot-messages); we stay inside.
MAX_TEXT = 3000
# Base64 characters of one inline picture; bigger ones are replaced by their alt text.
MAX_INLINE_IMAGE = 20_000
