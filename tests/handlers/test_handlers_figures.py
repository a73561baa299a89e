"""Check-ins with figures, on both databases: the update form asks each measure's number, the figure is kept
for its period, and /commitments shows it against the target; an update on the action never answers its
measures; computed measures move with the data nudgebot holds."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from handlers import actions
from handlers.context import Deps, Origin
from handlers.features import build_router
from handlers.messages import Choice, Form, ShortText
from storage.clock import FixedClock
from storage.models import Evidence, Measure, MeasureValue, Person, Plan, SmartObjective, UpdateRequest
from tests.support.handlers_support import action_row, actor, seed, stranger, text_of

SAM = "sam.sample@example.org"  # owns INF-2 and INF-3
DREW = "drew.draft@example.org"  # owns VOI-3
PAT = "pat.prototype@example.org"  # owns SUP-1


async def _measure(deps: Deps, key: str) -> Measure:
    async with deps.sessions() as session:
        measure = await session.scalar(select(Measure).where(Measure.key == key))
        assert measure is not None
        return measure


async def _open(deps: Deps, email: str, key: str) -> Form:
    opened = await build_router().on_action(
        deps, await actor(deps, email), actions.NUDGE_ADD_UPDATE, key, Origin()
    )
    assert isinstance(opened.form, Form)
    return opened.form


async def _submit(deps: Deps, email: str, key: str, **values: str) -> str:
    form = {
        "status": "on_track",
        "narrative": "Progress this period.",
        "link_1": "",
        "link_2": "",
        "link_3": "",
    }
    response = await build_router().on_form(
        deps, await actor(deps, email), actions.FORM_UPDATE, form | values, key
    )
    assert not response.errors, response.errors
    return text_of(response.message)


async def _commitments(deps: Deps, key: str) -> str:
    return text_of((await build_router().on_command(deps, stranger(), "commitments", key)).message)


def _line(text: str, key: str) -> str:
    """The bullet of measure `key` in a /commitments answer, without its bullet mark."""
    return next(line for line in text.splitlines() if f" {key} " in line).removeprefix("• ")


async def _ask(deps: Deps, email: str, subject: str, period: str) -> int:
    """An ask row as the nudge engine writes it once its nudge was sent."""
    now = deps.clock.now()
    async with deps.sessions() as session:
        person = await session.scalar(select(Person).where(Person.email == email))
        action = await action_row(deps, subject.split("#")[0])
        assert person is not None
        row = UpdateRequest(
            kind="ask",
            recipient=f"person:{person.id}",
            person_id=person.id,
            subject=subject,
            period=period,
            action_id=action.id,
            status="sent",
            due_at=now,
            sent_at=now,
            created_at=now,
        )
        session.add(row)
        await session.commit()
        return row.id


async def _answered(deps: Deps, ask_id: int) -> bool:
    async with deps.sessions() as session:
        row = await session.get(UpdateRequest, ask_id)
        assert row is not None
        return row.answered_at is not None


async def test_a_count_per_quarter_is_asked_answered_and_shown_met_or_not(
    deps: Deps, clock: FixedClock
) -> None:
    await seed(deps)
    count = await _measure(deps, "INF-2.1")
    form = await _open(deps, SAM, "INF-2")
    figure = next(i for i in form.inputs if isinstance(i, ShortText) and i.name == f"figure_{count.id}")
    assert (
        figure.label.startswith("INF-2.1: At least quarterly senior-level meetings") and not figure.required
    )
    assert "for Q3 2024/25 (Oct–Dec) · target: at least 2 each quarter" in figure.hint
    assert "Give a figure for each measure you have one for." in form.intro

    action_ask = await _ask(deps, SAM, "INF-2", "2024-Q3")
    measure_ask = await _ask(deps, SAM, f"INF-2#m{count.id}", "2024-Q3")
    # An update on the action alone answers the action, never its count.
    await _submit(deps, SAM, "INF-2")
    assert await _answered(deps, action_ask) and not await _answered(deps, measure_ask)
    assert "no figure yet (target: at least 2 each quarter)" in _line(
        await _commitments(deps, "INF-2"), "INF-2.1"
    )

    said = await _submit(deps, SAM, "INF-2", **{f"figure_{count.id}": "1"})
    assert "and 1 figure" in said and await _answered(deps, measure_ask)
    line = _line(await _commitments(deps, "INF-2"), "INF-2.1")
    assert line.startswith("🟠 INF-2.1") and "1 of at least 2 this quarter — not yet met" in line

    # A second figure for the same quarter replaces the first.
    await _submit(deps, SAM, "INF-2", **{f"figure_{count.id}": "3"})
    shown = await _commitments(deps, "INF-2")
    assert _line(shown, "INF-2.1").startswith("🟢 INF-2.1")
    assert "3 of at least 2 this quarter — met" in shown
    assert "Measures: 1 of 3 measures on target, 2 with no figure or evidence yet" in shown
    async with deps.sessions() as session:
        values = (await session.scalars(select(MeasureValue))).all()
        assert [(v.period, v.value, v.source, v.confidence) for v in values] == [
            ("2024-Q3", 3.0, "update", "on_track")
        ]
        evidence = await session.get(Evidence, values[0].evidence_id)
        assert evidence is not None and evidence.narrative == "Progress this period."
    assert (await _measure(deps, "INF-2.1")).status == "on_track"

    # The next quarter judges its own figures; once it is over with too few, it is not met.
    clock.set(datetime(2025, 1, 8, 10, tzinfo=UTC))
    await _submit(deps, SAM, "INF-2", **{f"figure_{count.id}": "1"})
    clock.set(datetime(2025, 4, 8, 10, tzinfo=UTC))
    line = _line(await _commitments(deps, "INF-2"), "INF-2.1")
    assert line.startswith("🔴 INF-2.1") and "1 of at least 2 in 2024-Q4 — not met" in line


async def test_an_audit_answered_twice_shows_its_trend_against_the_benchmark(
    deps: Deps, clock: FixedClock
) -> None:
    await seed(deps)
    audit = await _measure(deps, "VOI-3.1")
    clock.set(datetime(2024, 9, 20, 10, tzinfo=UTC))
    await _submit(deps, DREW, "VOI-3", **{f"figure_{audit.id}": "25%"})
    first = _line(await _commitments(deps, "VOI-3"), "VOI-3.1")
    assert "audit 25%, benchmark 25%" in first and "▁" not in first
    clock.set(datetime(2025, 3, 20, 10, tzinfo=UTC))
    await _submit(deps, DREW, "VOI-3", **{f"figure_{audit.id}": "33"})
    line = _line(await _commitments(deps, "VOI-3"), "VOI-3.1")
    assert line.startswith("🟢 VOI-3.1")
    assert "audit 33%, benchmark 25%, up 8 points ▁█ · checked every six months" in line
    async with deps.sessions() as session:
        periods = (await session.scalars(select(MeasureValue.period).order_by(MeasureValue.as_of))).all()
    assert periods == ["2024-H1", "2024-H2"]


async def test_a_computed_coverage_measure_moves_when_an_objective_is_agreed(deps: Deps) -> None:
    await seed(deps)
    form = await _open(deps, SAM, "INF-3")
    assert not [i for i in form.inputs if i.name.startswith("figure_")], (
        "nobody is asked for a computed figure"
    )
    async with deps.sessions() as session:
        plan = await session.scalar(select(Plan))
        assert plan is not None
        policy = (
            await session.scalars(
                select(Person).where(Person.roles.any(role_name="policy"), Person.on_probation.is_(False))
            )
        ).all()
        agreed = (
            await session.scalars(
                select(SmartObjective.person_id).where(
                    SmartObjective.agreed.is_(True), SmartObjective.plan_id == plan.id
                )
            )
        ).all()
    missing = [p for p in policy if p.id not in agreed]
    assert policy and missing, "the demo data must leave a policy team member without an agreed objective"
    before = f"{100 * (len(policy) - len(missing)) / len(policy):.1f}".rstrip("0").rstrip(".")
    assert f"{before}% against a target of at least 100% — not met" in _line(
        await _commitments(deps, "INF-3"), "INF-3.1"
    )

    async with deps.sessions() as session:
        for person in missing:
            row = await session.scalar(select(SmartObjective).where(SmartObjective.person_id == person.id))
            if row is None:
                session.add(
                    SmartObjective(
                        person_id=person.id, plan_id=plan.id, agreed=True, updated_at=deps.clock.now()
                    )
                )
            else:
                row.agreed = True
        await session.commit()
    line = _line(await _commitments(deps, "INF-3"), "INF-3.1")
    assert line.startswith("🟢 INF-3.1") and "100% against a target of at least 100% — met" in line


async def test_evidence_for_a_checklist_item_links_to_its_measure(deps: Deps) -> None:
    await seed(deps)
    form = await _open(deps, PAT, "SUP-1")
    about = next(i for i in form.inputs if isinstance(i, Choice) and i.name == "about")
    assert [o.value for o in about.options] == ["action", "SUP-1.1", "SUP-1.2", "SUP-1.3", "SUP-1.4"]
    await _submit(deps, PAT, "SUP-1", about="SUP-1.2", narrative="Bid to the foundation names race equality.")
    item = await _measure(deps, "SUP-1.2")
    async with deps.sessions() as session:
        (evidence,) = (await session.scalars(select(Evidence))).all()
    assert evidence.measure_id == item.id
    shown = await _commitments(deps, "SUP-1")
    assert "evidence: 1 piece" in _line(shown, "SUP-1.2") and _line(shown, "SUP-1.2").startswith("🔵")
    assert "evidence: none yet" in _line(shown, "SUP-1.1")


async def test_a_figure_that_is_not_a_number_comes_back_on_its_field(deps: Deps) -> None:
    await seed(deps)
    count = await _measure(deps, "INF-2.1")
    values = {"status": "on_track", "narrative": "x", f"figure_{count.id}": "three"}
    response = await build_router().on_form(
        deps, await actor(deps, SAM), actions.FORM_UPDATE, values, "INF-2"
    )
    assert response.errors == {f"figure_{count.id}": "Please give a number, like 3 or 33.5 (no words)."}
    async with deps.sessions() as session:
        assert (await session.scalars(select(Evidence))).all() == []
