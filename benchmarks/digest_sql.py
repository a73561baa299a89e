"""How many SQL statements building the SMT digest issues, for 100 and for 10,000 actions.

Counted with a SQLAlchemy `before_cursor_execute` listener; the count must not grow with the plan.
"""

from __future__ import annotations

import asyncio
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event

from benchmarks.synthetic import synthetic_plan
from handlers.context import Channels, Deps
from handlers.messages import Message
from jobs.context import JobContext
from jobs.delivery import Outgoing
from jobs.digests import build_smt
from storage.clock import FixedClock
from storage.db import session_factory
from storage.models import UpdateRequest
from tests.support.fakes.messenger import RecordingMessenger

AT = datetime(2024, 10, 7, 9, 0, tzinfo=UTC)


async def statements_for(actions: int) -> tuple[int, Message]:
    with tempfile.TemporaryDirectory() as folder:
        engine = await synthetic_plan(Path(folder) / "digest.db", actions=actions, owners=min(actions, 500))
        count = [0]

        def count_one(*_args: Any) -> None:
            count[0] += 1

        deps = Deps(session_factory(engine), FixedClock(AT), Channels(smt="smt", reci="reci"))
        ctx = JobContext(deps=replace(deps, messenger=RecordingMessenger()))
        row = UpdateRequest(kind="smt_digest", recipient="channel:smt", subject="", period="2024-W41")
        try:
            event.listen(engine.sync_engine, "before_cursor_execute", count_one)
            async with ctx.sessions() as session:
                built = await build_smt(session, row, ctx, AT)
            event.remove(engine.sync_engine, "before_cursor_execute", count_one)
        finally:
            await engine.dispose()
    assert isinstance(built, Outgoing)
    return count[0], built.message


async def main() -> None:
    print("SMT digest SQL statements (SQLAlchemy before_cursor_execute):")
    counts = []
    for actions in (100, 10_000):
        count, message = await statements_for(actions)
        counts.append(count)
        print(f"  {actions:>6} actions: {count} statements ({len(message.parts)} message parts)")
    print(f"  grows with the plan: {'yes' if counts[1] > counts[0] else 'no'}")


if __name__ == "__main__":
    asyncio.run(main())
