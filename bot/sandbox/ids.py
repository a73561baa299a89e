"""The sandbox's own ids in one place: paths, form field names, the cookie, conversation names."""

from __future__ import annotations

PLATFORM = "sandbox"

# Paths (all under `/`, next to /slack/events and /healthz on the one server).
HOME_PATH = "/"
WHO_PATH = "/who"
DM_PATH = "/dm"
CHANNEL_PATH = "/channel/{name}"
APP_HOME_PATH = "/home"
COMMAND_PATH = "/command"
ACTION_PATH = "/action"
REPLY_PATH = "/reply"
FORM_PATH = "/form"
TIME_PATH = "/time"
STYLE_PATH = "/sandbox.css"

# Form field names.
PERSON = "person"
COMMAND = "command"
PRESS = "press"
REF_CHANNEL = "ref_channel"
REF_ID = "ref_id"
REPLY_TEXT = "text"
FORM_SUBMIT = "_submit"
TIME_DATE = "date"
TIME_TIME = "time"
TIME_JOB = "job"
BACK = "back"

# Which person the visitor is acting as. Not a login: the sandbox is a local demo.
COOKIE = "nudgebot_sandbox_person"

# Conversations: a person's DM with the bot is "dm:<person id>"; channels are "channel:<name>".
DM_PREFIX = "dm:"
CHANNEL_PREFIX = "channel:"


def dm_key(person_id: int) -> str:
    return f"{DM_PREFIX}{person_id}"


def channel_key(name: str) -> str:
    return f"{CHANNEL_PREFIX}{name}"


def press_value(action: str, value: str) -> str:
    """A button's action id and value in one form value (action ids never contain a space)."""
    return f"{action} {value}"


def split_press(raw: str) -> tuple[str, str]:
    action, _, value = raw.partition(" ")
    return action, value
