"""An event delivered three times (Slack's retries) writes one evidence row, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.clock import FixedClock
from storage.models import Evidence, ProcessedDelivery
from tests.slack.test_slack_adapter import CASEY, _reply, contract_router
from tests.support.slack_fixtures import eventually, start_rig


async def test_the_same_event_three_times_is_one_evidence_row(db_url: str, clock: FixedClock) -> None:
    rig, stop = await start_rig(database_url=db_url, clock=clock, router=contract_router())
    try:
        for retry in range(3):
            reply = await rig.event(_reply(rig.user(CASEY)), event_id="Ev-thrice", retry=retry)
            assert reply.status == 200
        await eventually(lambda: rig.fake.calls_to("chat.postMessage"))
        async with rig.core.deps.sessions() as session:
            evidence = int(await session.scalar(select(func.count()).select_from(Evidence)) or 0)
            deliveries = (await session.scalars(select(ProcessedDelivery.delivery_id))).all()
        assert evidence == 1
        assert deliveries == ["Ev-thrice"]
        assert len(rig.fake.calls_to("chat.postMessage")) == 1
    finally:
        await stop()
