"""The sandbox over real HTTP: demo data, the person picker, commands, buttons, forms, replies, moving time.

The router here is a small recording one, so these tests show what the sandbox hands the neutral layer
and what it shows back; the real handlers are driven end to end in `test_sandbox_browser.py`.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from sqlalchemy import func, select

from bot.platforms import platforms_to_serve
from bot.sandbox.app import check_loopback
from bot.sandbox.demo import load_demo
from bot.sandbox.platform import RunningSandbox, start_sandbox
from bot.sandbox.state import JobInfo
from bot.settings import Settings, SettingsError, load_settings
from bot.wiring import Core
from handlers import actions
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import escape
from handlers.messages import Form, LongText, Message, Text
from handlers.messenger import Recipient
from handlers.nudges import DueItem, nudge_message
from handlers.router import Router
from storage.clock import FixedClock
from storage.models import Action, Evidence, Person, SmartObjective
from tests.support.handlers_support import add_command

LONDON = ZoneInfo("Europe/London")
SAM, QUINN = "sam.sample@example.org", "quinn.quux@example.org"


@dataclass
class Recorder:
    """A router whose handlers write down what they were given."""

    calls: list[tuple[str, ...]] = field(default_factory=list)

    def router(self) -> Router:
        router = Router()
        add_command(router, "echo", self.echo)
        add_command(router, "open", self.open)
        router.action("nudge", self.press)
        router.form(actions.FORM_UPDATE, self.submit)
        router.reply(self.reply)
        return router

    async def echo(self, deps: Deps, actor: Actor, text: str) -> Response:
        self.calls.append(("command", actor.name, text, deps.clock.now().isoformat()))
        return Response(message=Message(text, (Text(f"{escape(actor.name)} said {escape(text)}"),)))

    async def open(self, _deps: Deps, _actor: Actor, text: str) -> Response:
        form = Form(actions.FORM_UPDATE, "Update", (LongText("narrative", "What happened?"),), state=text)
        return Response(form=form)

    async def press(self, _deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
        assert origin.message is not None
        self.calls.append(("press", actor.name, action, value, origin.message.channel, origin.message.id))
        done = Message("done", (Text(f"**{value}** is now on track, thanks {escape(actor.name)}"),))
        return Response(replace_original=done)

    async def submit(self, _deps: Deps, actor: Actor, values: Mapping[str, str], state: str) -> Response:
        if not values["narrative"].strip():
            return Response(errors={"narrative": "Say what happened"})
        self.calls.append(("form", actor.name, state, values["narrative"]))
        return Response(message=Message("kept", (Text("Kept as evidence."),)), close_form=True)

    async def reply(self, _deps: Deps, actor: Actor, text: str, origin: Origin) -> Response | None:
        self.calls.append(("reply", actor.name, text))
        return Response(message=Message("ok", (Text("Noted in the thread."),)))


@dataclass
class FakeTimeControl:
    core: Core
    runs: list[datetime] = field(default_factory=list)

    def jobs(self) -> Sequence[JobInfo]:
        return [JobInfo("nudges", "nudges")]

    async def run(self, name: str, at: datetime) -> str:
        self.runs.append(at)
        assert self.core.deps.messenger is not None
        async with self.core.deps.sessions() as session:
            sam = await session.scalar(select(Person).where(Person.email == SAM))
        assert sam is not None
        recipient = Recipient(sam.id, sam.name, sam.email)
        item = DueItem("INF-2", "Build relationships", "November 2024")
        await self.core.deps.messenger.send_direct(recipient, nudge_message(sam.name, [item]))
        return "1 nudge sent"

    def tour(self, start: datetime) -> Sequence[str]:
        return [f"Start on {start:%d %B %Y} <as anyone>"]


@dataclass
class Site:
    running: RunningSandbox
    recorder: Recorder
    control: FakeTimeControl

    def url(self, path: str) -> str:
        return self.running.url.rstrip("/") + path


@pytest.fixture
async def site(sqlite_url: str) -> AsyncIterator[Site]:
    recorder = Recorder()
    controls: list[FakeTimeControl] = []

    def control(core: Core) -> FakeTimeControl:
        controls.append(FakeTimeControl(core))
        return controls[0]

    settings = load_settings(database_url=sqlite_url, host="127.0.0.1", port=0)
    running = await start_sandbox(
        settings, real_clock=FixedClock(datetime(2026, 11, 29, 12, 0, tzinfo=UTC)), time_control=control
    )
    running.sandbox.core = replace(running.sandbox.core, router=recorder.router())
    controls[0].core = running.sandbox.core
    yield Site(running, recorder, controls[0])
    await running.stop()


async def person_id(site: Site, email: str) -> int:
    async with site.running.sandbox.core.deps.sessions() as session:
        found = await session.scalar(select(Person.id).where(Person.email == email))
    assert found is not None
    return found


async def act_as(http: aiohttp.ClientSession, site: Site, email: str) -> str:
    async with http.post(site.url("/who"), data={"person": str(await person_id(site, email))}) as r:
        assert r.status == 200
        return await r.text()


def client() -> aiohttp.ClientSession:
    # aiohttp refuses cookies from an IP address unless told otherwise; the sandbox is on 127.0.0.1.
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def test_demo_data_goes_only_into_an_empty_database(deps: Deps) -> None:
    assert await load_demo(deps) is True
    async with deps.sessions() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(model))
            for model in (Person, Action, SmartObjective)
        ]
    assert counts[:2] == [16, 21]
    assert counts[2] and counts[2] > 0

    assert await load_demo(deps) is False
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 16


async def test_a_database_with_people_in_it_gets_no_demo_data(deps: Deps) -> None:
    async with deps.sessions() as session, session.begin():
        now = deps.clock.now()
        session.add(Person(email="real@org.example", name="Real Person", created_at=now, updated_at=now))

    assert await load_demo(deps) is False
    async with deps.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
        assert await session.scalar(select(func.count()).select_from(Action)) == 0


async def test_a_visitor_picks_a_person_first_and_pages_say_it_is_a_demo(site: Site) -> None:
    async with client() as http:
        async with http.get(site.url("/dm")) as r:
            picker = await r.text()
            assert str(r.url).endswith("/")
            assert "Content-Security-Policy" in r.headers
        assert '<label for="who-person">Act as</label>' in picker
        assert "Sam Sample — smt, staff, owns 3 actions (Senior management team)" in picker
        assert "there is no login" in picker
        assert "A one-minute tour" in picker

        page = await act_as(http, site, SAM)
    assert "Sam Sample&#x27;s direct messages with nudgebot" in page
    # The demo's timeline starts in the plan's second half, whatever the real date.
    assert "Tuesday 1 October 2024, 09:30" in page
    assert "Start on 01 October 2024 &lt;as anyone&gt;" in page
    assert 'href="/channel/smt"' in page
    assert 'href="/channel/reci"' not in page


async def test_a_command_reaches_the_router_as_that_person_and_only_they_see_the_answer(site: Site) -> None:
    async with client() as http:
        await act_as(http, site, SAM)
        async with http.post(
            site.url("/command"), data={"command": "/echo <b>ZX-42</b>", "back": "/dm"}
        ) as r:
            page = await r.text()
        assert ("command", "Sam Sample", "<b>ZX-42</b>", "2024-10-01T09:30:00+01:00") in site.recorder.calls
        assert "Sam Sample said &lt;b&gt;ZX-42&lt;/b&gt;" in page
        assert "Only visible to you" in page

        await act_as(http, site, QUINN)
        async with http.get(site.url("/dm")) as r:
            assert "ZX-42" not in await r.text()


async def test_move_time_runs_a_job_as_of_that_moment_and_a_button_on_its_nudge_works(
    site: Site,
) -> None:
    async with client() as http:
        await act_as(http, site, SAM)
        data = {"date": "2024-11-04", "time": "09:30", "job": "nudges", "back": "/dm"}
        async with http.post(site.url("/time"), data=data) as r:
            page = await r.text()
        moment = datetime(2024, 11, 4, 9, 30, tzinfo=LONDON)
        assert site.control.runs == [moment]
        assert site.running.sandbox.clock.now() == moment
        assert "Ran nudges as of Monday 4 November 2024, 09:30: 1 nudge sent" in page
        assert "Updates due on your actions" in page
        ref_id = re.search(r'name="ref_id" value="(\d+)"', page)
        assert ref_id is not None

        press = {"press": f"{actions.NUDGE_ON_TRACK} INF-2", "ref_channel": "", "ref_id": ref_id.group(1)}
        press["ref_channel"] = f"dm:{await person_id(site, SAM)}"
        async with http.post(site.url("/action"), data=press) as r:
            page = await r.text()
        assert site.recorder.calls[-1] == (
            "press",
            "Sam Sample",
            actions.NUDGE_ON_TRACK,
            "INF-2",
            press["ref_channel"],
            ref_id.group(1),
        )
        assert "Updates due on your actions" not in page  # replaced in place
        assert '<strong>INF-2</strong> is now <span class="status status-on_track">on track</span>' in page

        # A button that is not on the message, or a message in someone else's DM, does nothing.
        calls = len(site.recorder.calls)
        async with http.post(
            site.url("/action"), data={**press, "press": f"{actions.NUDGE_DONE} INF-9"}
        ) as r:
            assert "no longer on the message" in await r.text()
        await act_as(http, site, QUINN)
        async with http.post(site.url("/action"), data=press) as r:
            assert "not one you can see" in await r.text()
        assert len(site.recorder.calls) == calls


async def test_a_bad_date_moves_nothing(site: Site) -> None:
    before = site.running.sandbox.clock.now()
    async with client() as http:
        await act_as(http, site, SAM)
        async with http.post(
            site.url("/time"), data={"date": "20245-01-01", "time": "09:30", "job": ""}
        ) as r:
            assert "Give a date (YYYY-MM-DD)" in await r.text()
    assert site.running.sandbox.clock.now() == before
    assert site.control.runs == []


async def test_a_form_keeps_what_was_typed_with_its_errors_then_submits_with_its_state(site: Site) -> None:
    async with client() as http:
        await act_as(http, site, SAM)
        async with http.post(site.url("/command"), data={"command": "/open INF-2", "back": "/dm"}) as r:
            assert str(r.url).endswith("/form")
            form = await r.text()
        assert '<label for="field-narrative">What happened?</label>' in form
        assert "INF-2" not in form.split("<main", 1)[1].split("</main>", 1)[0].split("<form", 1)[1]

        async with http.post(site.url("/form"), data={"narrative": "  ", "_submit": "submit"}) as r:
            again = await r.text()
        assert 'role="alert"' in again
        assert "<strong>Error:</strong> Say what happened" in again

        async with http.post(
            site.url("/form"), data={"narrative": "Met <NHS> leads", "_submit": "submit"}
        ) as r:
            done = await r.text()
            assert str(r.url).endswith("/dm")
        assert site.recorder.calls[-1] == ("form", "Sam Sample", "INF-2", "Met <NHS> leads")
        assert "Kept as evidence." in done


async def test_a_reply_in_a_thread_goes_to_the_router_with_its_message(site: Site) -> None:
    async with client() as http:
        await act_as(http, site, SAM)
        await http.post(site.url("/time"), data={"date": "2024-11-04", "time": "09:30", "job": "nudges"})
        sam = await person_id(site, SAM)
        entry = site.running.sandbox.messenger.entries(f"dm:{sam}", viewer=sam)[0]
        data = {"ref_channel": entry.ref.channel, "ref_id": entry.ref.id, "text": "Met two <orgs>"}
        async with http.post(site.url("/reply"), data=data) as r:
            page = await r.text()
    assert site.recorder.calls[-1] == ("reply", "Sam Sample", "Met two <orgs>")
    assert "Met two &lt;orgs&gt;" in page
    assert "Noted in the thread." in page


async def test_channels_are_for_their_role_members(site: Site) -> None:
    core = site.running.sandbox.core
    assert core.deps.messenger is not None
    await core.deps.messenger.post_channel(core.deps.channels.smt, Message("d", (Text("SMT digest"),)))
    async with client() as http:
        await act_as(http, site, SAM)
        async with http.get(site.url("/channel/smt")) as r:
            assert "SMT digest" in await r.text()
        await act_as(http, site, QUINN)
        async with http.get(site.url("/channel/smt")) as r:
            page = await r.text()
        assert "SMT digest" not in page
        assert "is not in the #smt channel" in page


def test_the_sandbox_listens_on_loopback_only() -> None:
    for host in ("127.0.0.1", "::1", "localhost"):
        check_loopback(host)
    for host in ("0.0.0.0", "192.168.1.10", "example.org"):  # noqa: S104 (what is refused)
        with pytest.raises(SettingsError, match="loopback only"):
            check_loopback(host)


async def test_the_sandbox_never_serves_in_production(sqlite_url: str) -> None:
    settings = load_settings(
        environment="production",
        database_url=sqlite_url,
        slack_bot_token="xoxb-test",
        slack_signing_secret="s",
    )
    with pytest.raises(SettingsError, match="not for production"):
        await start_sandbox(settings)


def test_the_sandbox_serves_only_without_chat_settings_unless_asked() -> None:
    def serving(settings: Settings, *, force: bool) -> list[str]:
        return [p.name for p in platforms_to_serve(settings, force_sandbox=force)]

    assert serving(load_settings(), force=False) == ["sandbox"]
    slack = load_settings(slack_bot_token="xoxb-test", slack_signing_secret="s")
    assert serving(slack, force=False) == ["slack"]
    assert serving(slack, force=True) == ["sandbox"]
    assert serving(load_settings(teams_app_id="app"), force=False) == ["teams"]


@pytest.fixture
async def real_site(sqlite_url: str) -> AsyncIterator[RunningSandbox]:
    """The sandbox with the real handlers (the router `make run` builds)."""
    settings = load_settings(database_url=sqlite_url, host="127.0.0.1", port=0)
    running = await start_sandbox(settings, real_clock=FixedClock(datetime(2026, 11, 29, 12, 0, tzinfo=UTC)))
    yield running
    await running.stop()


async def test_the_real_handlers_answer_in_the_page_and_a_click_is_kept_as_evidence_in_demo_time(
    real_site: RunningSandbox,
) -> None:
    site = Site(real_site, Recorder(), FakeTimeControl(real_site.sandbox.core))
    sam = await person_id(site, SAM)
    core = real_site.sandbox.core
    assert core.deps.messenger is not None
    nudge = nudge_message("Sam Sample", [DueItem("INF-2", "Build relationships", "Q3 2024/25")])
    ref = await core.deps.messenger.send_direct(Recipient(sam, "Sam Sample", SAM), nudge)
    async with client() as http:
        await act_as(http, site, SAM)
        data = {"command": "/commitments INF-2", "back": "/dm"}
        async with http.post(site.url("/command"), data=data) as r:
            page = await r.text()
        assert "Build and strengthen stakeholder relationships" in page
        assert '<span class="status status-not_started">Not started</span>' in page

        press = {"press": f"{actions.NUDGE_ON_TRACK} INF-2", "ref_channel": ref.channel, "ref_id": ref.id}
        async with http.post(site.url("/action"), data=press) as r:
            answer = await r.text()
        assert 'INF-2 is recorded as <span class="status status-on_track">on track</span>' in answer

    async with core.deps.sessions() as session:
        evidence = (await session.scalars(select(Evidence))).one()
        action = await session.scalar(select(Action).where(Action.key == "INF-2"))
    assert (evidence.author_name, evidence.status, evidence.channel) == ("Sam Sample", "on_track", "sandbox")
    assert evidence.created_at == datetime(2024, 10, 1, 8, 30, tzinfo=UTC)  # the demo's 09:30 in London
    assert action is not None
    assert action.status == "on_track"


async def test_the_tour_dates_show_a_nudge_a_reminder_and_an_escalation(real_site: RunningSandbox) -> None:
    site = Site(real_site, Recorder(), FakeTimeControl(real_site.sandbox.core))
    async with client() as http:
        async with http.get(site.url("/")) as r:
            picker = await r.text()
        assert "It is Tuesday 1 October 2024, 09:30." in picker
        assert "Move to Friday 4 October at 09:30 and run nudges again: a reminder" in picker
        assert "Move to Monday 14 October at 09:30 and run nudges: after 2 unanswered" in picker

        await act_as(http, site, "riley.fixture@example.org")
        pages = []
        for day in ("2024-10-01", "2024-10-04", "2024-10-09", "2024-10-14"):
            data = {"date": day, "time": "09:30", "job": "nudges", "back": "/dm"}
            async with http.post(site.url("/time"), data=data) as r:
                pages.append(await r.text())
        assert "Updates due on your actions" in pages[0]
        assert "Reminder: updates still due" in pages[1]

        # Riley's team (Communications and marketing) is led by Robin Placeholder in the SMT.
        await act_as(http, site, "robin.placeholder@example.org")
        async with http.get(site.url("/dm")) as r:
            assert "Overdue updates from Riley Fixture" in await r.text()


async def test_a_digest_run_shows_its_channel_to_whoever_may_read_it(real_site: RunningSandbox) -> None:
    site = Site(real_site, Recorder(), FakeTimeControl(real_site.sandbox.core))
    data = {"date": "2024-10-07", "time": "09:00", "job": "smt_digest", "back": "/dm"}
    async with client() as http:
        await act_as(http, site, SAM)
        async with http.post(site.url("/time"), data=data) as r:
            assert r.url.path == "/channel/smt"
            page = await r.text()
        assert "SMT digest: Race equality action plan 2024/25" in page
        assert "Ran SMT digest as of Monday 7 October 2024, 09:00" in page

        # Someone outside the SMT stays where they were: the channel is not theirs to read.
        await act_as(http, site, QUINN)
        async with http.post(site.url("/time"), data={**data, "job": "smt_digest"}) as r:
            assert r.url.path == "/dm"
            assert "SMT digest: Race equality" not in await r.text()
