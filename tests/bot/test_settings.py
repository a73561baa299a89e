"""Settings: defaults that run, one clear line for a bad value, secrets never shown."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_start_the_sandbox_on_sqlite(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DATABASE_URL", "SLACK_BOT_TOKEN", "TEAMS_APP_ID", "TIMEZONE", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    settings = load_settings(_env_file=None)
    assert settings.database_url.startswith("sqlite")
    assert not settings.slack_configured and not settings.teams_configured
    assert settings.timezone == "Europe/London"


def test_secrets_are_never_printed() -> None:
    settings = load_settings(
        _env_file=None, slack_bot_token="xoxb-very-secret", slack_signing_secret="shh-123"
    )
    assert "xoxb-very-secret" not in repr(settings) and "shh-123" not in str(settings)
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-very-secret"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ({"timezone": "Europe/Lndon"}, "setting TIMEZONE: unknown time zone 'Europe/Lndon'"),
        ({"database_url": "oracle://x"}, "setting DATABASE_URL: unsupported database 'oracle'"),
        ({"port": 70000}, "setting PORT:"),
        ({"environment": "production"}, "production needs Slack or Teams credentials"),
    ],
)
def test_a_bad_value_names_the_setting(override: dict[str, object], expected: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, **override)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
