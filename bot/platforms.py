"""The platform list: a new chat platform is one folder under `bot/` and one line here."""

from __future__ import annotations

from collections.abc import Callable

from bot import sandbox, slack, teams
from bot.messengers import PlatformMessengers
from bot.platform import Platform, PlatformKind
from bot.settings import Settings, SettingsError
from handlers.context import Deps
from handlers.messenger import Messenger

PLATFORMS: tuple[PlatformKind, ...] = (
    slack.KIND,
    teams.KIND,
)
# Serves when no chat platform is configured, or with --sandbox; never beside them, since its
# messenger is a demo's.
FALLBACK = sandbox.KIND


def configured_platforms(settings: Settings) -> list[Platform]:
    """The chat platforms the settings configure, each built once (which checks its settings)."""
    return [kind.build(settings) for kind in PLATFORMS if kind.configured(settings)]


def platforms_to_serve(settings: Settings, *, force_sandbox: bool = False) -> list[Platform]:
    if force_sandbox or not any(kind.configured(settings) for kind in PLATFORMS):
        return [FALLBACK.build(settings)]
    return configured_platforms(settings)


def combined_messenger(
    platforms: list[Platform],
    deps: Deps,
    *,
    primary: str,
    wrap: Callable[[str, Messenger], Messenger] | None = None,
) -> Messenger | None:
    """The one messenger jobs get: a platform's own, or one over several that reaches each person
    where they are known, `primary` (PRIMARY_PLATFORM) first. `wrap` (the metrics' counter) is put
    around each platform's messenger."""
    messengers = {platform.name: platform.messenger(deps) for platform in platforms}
    if wrap is not None:
        messengers = {name: wrap(name, messenger) for name, messenger in messengers.items()}
    if len(messengers) <= 1:
        return next(iter(messengers.values()), None)
    if primary not in messengers:
        names = ", ".join(messengers)
        raise SettingsError(f"setting PRIMARY_PLATFORM: {primary!r} is not a configured platform ({names})")
    return PlatformMessengers(messengers, primary=primary)
