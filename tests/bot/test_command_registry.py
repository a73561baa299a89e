"""One command registry: a command registered once shows in the Slack manifest, the Teams app
package, the words Teams understands and the help text, with nothing else to edit."""

from __future__ import annotations

from bot.settings import load_settings
from bot.slack.manifest import app_manifest
from bot.teams.package import manifest as teams_manifest
from bot.teams.turns import command_of
from handlers.context import Actor, Deps, Response
from handlers.features import build_router
from handlers.messages import Message, Text
from handlers.router import help_text
from tests.support.fakes.teams_activities import APP_ID


async def tidy(_deps: Deps, _actor: Actor, _text: str) -> Response:
    return Response(message=Message(fallback="tidied", parts=(Text("tidied"),)))


def test_a_throwaway_command_appears_everywhere_commands_are_listed() -> None:
    router = build_router()
    router.command(
        "tidy", tidy, summary="Tidy the plan up", usage="[KEY]", help="**{cmd} KEY** to tidy one action"
    )

    slack = {c["command"]: c for c in app_manifest(router.commands.values())["features"]["slash_commands"]}
    assert slack["/tidy"]["description"] == "Tidy the plan up" and slack["/tidy"]["usage_hint"] == "[KEY]"

    settings = load_settings(_env_file=None, teams_app_id=APP_ID)
    package = teams_manifest(
        settings, version="1.0.0", website="https://x.example", commands=router.commands.values()
    )
    teams = package["bots"][0]["commandLists"][0]["commands"]
    assert {"title": "tidy", "description": "Tidy the plan up"} in teams

    assert command_of("tidy INF-1", router) == ("tidy", "INF-1")
    assert command_of("/tidy", router) == ("tidy", "")
    assert "- **tidy KEY** to tidy one action" in help_text(router).splitlines()
    assert "- **/tidy KEY** to tidy one action" in help_text(router, prefix="/").splitlines()

    # And without it, none of them knows the word: the listings really come from the registry.
    plain = build_router()
    assert "/tidy" not in str(app_manifest(plain.commands.values()))
    assert command_of("tidy INF-1", plain) is None
    assert "tidy" not in help_text(plain)
