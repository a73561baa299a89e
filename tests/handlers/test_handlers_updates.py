"""Nudge buttons, the update form and thread replies through the Router: evidence recorded exactly once."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.messages import Buttons, Context, Form, UrlInput
from handlers.messenger import MessageRef, SendError
from storage.models import Action, AuditEntry, Evidence, Snooze, UpdateRequest
from tests.support.handlers_support import (
    RecordingMessenger,
    action_row,
    actor,
    assert_within_limits,
    seed,
    sent_nudge,
    stranger,
    text_of,
    with_messenger,
)

SAM = "sam.sample@example.org"  # owns INF-1 and INF-2 (with others); SMT
CASEY = "casey.testcase@example.org"  # owns INF-1; policy
RILEY = "riley.fixture@example.org"  # staff, owns neither


async def _evidence(deps: Deps) -> list[Evidence]:
    async with deps.sessions() as session:
        return list((await session.scalars(select(Evidence).order_by(Evidence.id))).all())


async def _requests(deps: Deps) -> list[UpdateRequest]:
    async with deps.sessions() as session:
        return list((await session.scalars(select(UpdateRequest).order_by(UpdateRequest.id))).all())


async def _audit(deps: Deps, event: str) -> list[AuditEntry]:
    async with deps.sessions() as session:
        return list((await session.scalars(select(AuditEntry).where(AuditEntry.event == event))).all())


async def test_a_status_button_records_evidence_and_rebuilds_the_nudge(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1", "INF-3"])
    casey = await actor(deps, CASEY)
    origin = Origin(message=ref, delivery_id="click-1")

    response = await build_router().on_action(deps, casey, actions.NUDGE_ON_TRACK, "INF-1", origin)

    rebuilt = response.replace_original
    assert rebuilt is not None
    assert_within_limits(rebuilt)
    assert "✓ On track recorded by Casey Testcase at 7 Oct 2024, 10:30" in text_of(rebuilt)
    rows = [p for p in rebuilt.parts if isinstance(p, Buttons)]
    assert len(rows) == 1  # INF-1's buttons are gone, INF-3's kept
    assert {b.value.split("|")[0] for b in rows[0].buttons} == {"INF-3"}
    [evidence] = await _evidence(deps)
    assert (evidence.status, evidence.author_name, evidence.source_ref) == (
        "on_track",
        "Casey Testcase",
        "click-1",
    )
    inf1 = await action_row(deps, "INF-1")
    assert inf1.status == "on_track"
    assert inf1.status_changed_at == deps.clock.now()
    requests = await _requests(deps)
    assert [r.answered_at is not None for r in requests] == [True, False]
    assert evidence.update_request_id == requests[0].id
    [entry] = await _audit(deps, "evidence.record")
    assert entry.entity_key == "INF-1"


async def test_a_redelivered_click_records_once_and_answers_the_same(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    router = build_router()
    origin = Origin(message=ref, delivery_id="click-1")

    first = await router.on_action(deps, casey, actions.NUDGE_AT_RISK, "INF-1", origin)
    again = await router.on_action(deps, casey, actions.NUDGE_AT_RISK, "INF-1", origin)

    assert again.replace_original == first.replace_original
    assert len(await _evidence(deps)) == 1
    assert len(await _audit(deps, "evidence.record")) == 1


async def test_only_owners_and_update_any_action_may_record(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    riley = await actor(deps, RILEY)
    refused = await router.on_action(deps, riley, actions.NUDGE_DONE, "INF-1", Origin(delivery_id="d1"))
    assert "Only the owners of INF-1 (Casey Testcase, Sam Sample)" in text_of(refused.message)
    assert await _evidence(deps) == []
    assert (await action_row(deps, "INF-1")).status == "not_started"

    alex = await actor(deps, "alex.example@example.org")  # smt + admin: update_any_action
    await router.on_action(deps, alex, actions.NUDGE_DONE, "INF-1", Origin(delivery_id="d2"))
    assert (await action_row(deps, "INF-1")).status == "done"

    unknown = await router.on_action(deps, stranger(), actions.NUDGE_DONE, "INF-1", Origin(delivery_id="d3"))
    assert "not in nudgebot's people list" in text_of(unknown.message)
    assert len(await _evidence(deps)) == 1


async def test_add_update_opens_the_form_and_its_errors_come_back_by_field(deps: Deps) -> None:
    await seed(deps)
    router = build_router()
    casey = await actor(deps, CASEY)
    opened = await router.on_action(deps, casey, actions.NUDGE_ADD_UPDATE, "INF-1", Origin())
    form = opened.form
    assert isinstance(form, Form)
    assert form.form_id == actions.FORM_UPDATE
    assert form.state == "INF-1"
    assert [i.name for i in form.inputs if isinstance(i, UrlInput)] == ["link_1", "link_2", "link_3"]

    bad = await router.on_form(
        deps,
        casey,
        actions.FORM_UPDATE,
        {
            "status": "sideways",
            "narrative": " ",
            "link_1": "not a link",
            "link_2": "ftp://x.org/a",
            "link_3": "",
        },
        "INF-1",
    )
    assert set(bad.errors) == {"status", "narrative", "link_1", "link_2"}
    assert await _evidence(deps) == []


async def test_the_update_form_records_evidence_and_refreshes_the_nudge(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    messenger = RecordingMessenger()
    live = with_messenger(deps, messenger)
    casey = await actor(deps, CASEY)

    response = await build_router().on_form(
        live,
        casey,
        actions.FORM_UPDATE,
        {
            "status": "at_risk",
            "narrative": "Asks drafted; the PDT meets late.",
            "link_1": "https://example.org/asks",
            "link_2": "",
            "link_3": "http://example.org/pdt?x=1",
        },
        "INF-1",
    )

    assert response.close_form
    assert "saved as evidence (At risk)" in text_of(response.message)
    [evidence] = await _evidence(deps)
    assert evidence.narrative == "Asks drafted; the PDT meets late."
    assert evidence.links == ["https://example.org/asks", "http://example.org/pdt?x=1"]
    assert evidence.channel == "slack"
    assert (await action_row(deps, "INF-1")).status == "at_risk"
    [(updated_ref, message)] = messenger.updates
    assert updated_ref == ref
    assert "✓ At risk recorded by Casey Testcase" in text_of(message)


async def test_a_thread_reply_is_kept_as_evidence_for_the_action_it_names(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, SAM, ["INF-1", "INF-2"])
    sam = await actor(deps, SAM)
    router = build_router()

    named = await router.on_reply(
        deps, sam, "inf 2: met the King's Fund, notes at https://example.org/notes.", Origin(ref, "ev-1")
    )
    assert named is not None
    assert "Thanks — kept as evidence for INF-2" in text_of(named.message)
    [evidence] = await _evidence(deps)
    assert evidence.status is None
    assert evidence.links == ["https://example.org/notes"]
    assert evidence.source_ref == "ev-1"
    assert (await action_row(deps, "INF-2")).status == "not_started"

    both = await router.on_reply(deps, sam, "inf-1 and INF-2 are going well.", Origin(ref, "ev-2"))
    assert both is not None
    assert "Thanks — kept as evidence for INF-1 and INF-2" in text_of(both.message)
    again = await router.on_reply(deps, sam, "inf-1 and INF-2 are going well.", Origin(ref, "ev-2"))
    assert again is not None
    assert text_of(again.message) == text_of(both.message)
    refs = sorted(e.source_ref or "" for e in await _evidence(deps))
    assert refs == ["ev-1", "ev-2#INF-1", "ev-2#INF-2"]


async def test_a_reply_in_some_other_thread_is_left_alone(deps: Deps) -> None:
    await seed(deps)
    await sent_nudge(deps, SAM, ["INF-1"])
    sam = await actor(deps, SAM)
    other = Origin(MessageRef("slack", "D-OWNER", "999.000"), "ev-9")
    assert await build_router().on_reply(deps, sam, "hello", other) is None
    assert await _evidence(deps) == []


async def test_snooze_button_stores_a_snooze_and_shows_it(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1", "INF-3"])
    casey = await actor(deps, CASEY)
    response = await build_router().on_action(
        deps, casey, actions.NUDGE_SNOOZE, "INF-1|7", Origin(ref, "snooze-1")
    )
    assert "Snoozed until 14 October 2024" in text_of(response.replace_original)
    async with deps.sessions() as session:
        [snooze] = (await session.scalars(select(Snooze))).all()
    assert snooze.until == deps.clock.now().replace(day=14)
    assert snooze.person_id == casey.person_id


async def test_not_mine_is_recorded_and_the_smt_is_told(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    messenger = RecordingMessenger()
    live = with_messenger(deps, messenger)
    casey = await actor(deps, CASEY)
    router = build_router()

    response = await router.on_action(live, casey, actions.NUDGE_NOT_MINE, "INF-1", Origin(ref, "nm-1"))
    await router.on_action(live, casey, actions.NUDGE_NOT_MINE, "INF-1", Origin(ref, "nm-1"))  # redelivered

    assert "You told us this is not yours" in text_of(response.replace_original)
    [(channel, message)] = messenger.posts
    assert channel == "C-SMT"
    assert "Casey Testcase says INF-1 is not theirs to update" in text_of(message)
    assert len(await _audit(deps, "action.not_mine")) == 1
    assert await _evidence(deps) == []
    async with deps.sessions() as session:
        owners = await session.scalar(select(func.count()).select_from(Action).where(Action.key == "INF-1"))
    assert owners == 1
    assert [r.answered_at is not None for r in await _requests(deps)] == [True]


async def test_not_mine_without_a_messenger_still_records(deps: Deps) -> None:
    await seed(deps)
    casey = await actor(deps, CASEY)
    response = await build_router().on_action(deps, casey, actions.NUDGE_NOT_MINE, "INF-1", Origin())
    assert "asked the SMT to find the right owner" in text_of(response.message)
    assert len(await _audit(deps, "action.not_mine")) == 1


class _FailingMessenger(RecordingMessenger):
    async def post_channel(self, channel: str, message: object) -> MessageRef:
        raise SendError("channel_not_found", retryable=False)


async def test_not_mine_when_the_smt_channel_fails_says_so(deps: Deps) -> None:
    await seed(deps)
    casey = await actor(deps, CASEY)
    live = with_messenger(deps, _FailingMessenger())
    response = await build_router().on_action(live, casey, actions.NUDGE_NOT_MINE, "INF-1", Origin())
    assert "couldn't reach the SMT channel" in text_of(response.message)
    assert len(await _audit(deps, "action.not_mine")) == 1


async def test_the_rebuilt_nudge_keeps_items_answered_before(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, SAM, ["INF-1", "INF-2"])
    sam = await actor(deps, SAM)
    router = build_router()
    await router.on_action(deps, sam, actions.NUDGE_ON_TRACK, "INF-1", Origin(ref, "c1"))
    second = await router.on_action(deps, sam, actions.NUDGE_OFF_TRACK, "INF-2", Origin(ref, "c2"))
    assert second.replace_original is not None
    notes = [p.text for p in second.replace_original.parts if isinstance(p, Context) and "✓" in p.text]
    assert len(notes) == 2
    assert "On track recorded" in notes[0]
    assert "Off track recorded" in notes[1]
    assert not [p for p in second.replace_original.parts if isinstance(p, Buttons)]


async def test_a_double_click_at_the_same_moment_records_one_row(deps: Deps) -> None:
    await seed(deps)
    ref = await sent_nudge(deps, CASEY, ["INF-1"])
    casey = await actor(deps, CASEY)
    router = build_router()
    origin = Origin(ref, "click-twice")
    first, second = await asyncio.gather(
        router.on_action(deps, casey, actions.NUDGE_DONE, "INF-1", origin),
        router.on_action(deps, casey, actions.NUDGE_DONE, "INF-1", origin),
    )
    assert first.replace_original == second.replace_original
    assert len(await _evidence(deps)) == 1
    assert len(await _audit(deps, "evidence.record")) == 1


async def test_one_owner_s_update_answers_the_co_owner_s_request_too(deps: Deps) -> None:
    await seed(deps)
    casey_ref = await sent_nudge(deps, CASEY, ["INF-1"], ts="1728293400.000100")
    await sent_nudge(deps, SAM, ["INF-1"], ts="1728293400.000200")
    casey = await actor(deps, CASEY)

    await build_router().on_action(deps, casey, actions.NUDGE_ON_TRACK, "INF-1", Origin(casey_ref, "c-co"))

    async with deps.sessions() as session:
        rows = (await session.execute(select(UpdateRequest.person_id, UpdateRequest.answered_at))).all()
    assert len(rows) == 2
    assert all(answered is not None for _, answered in rows)
    [evidence] = await _evidence(deps)
    assert evidence.author_name == "Casey Testcase"
