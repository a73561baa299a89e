"""Replicas in production: three `nudgebot run` processes on one private PostgreSQL and a fake Slack.

Started together on an empty database they migrate once and one of them runs the scheduler; when
the leader is killed, frozen or told to stop, another takes over within seconds and a frozen one,
woken, steps down; a SIGTERM drains (503 on /readyz) and exits 0. With PostgreSQL stopped for 30 s,
commands are answered plainly, and the replicas recover without a restart, with one scheduler after.
These tests stop and start PostgreSQL, so they run on a private cluster, never the shared server.
"""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.fakes.slack_api import FakeSlack
from tests.support.private_postgres import PrivatePostgres, private_postgres
from tests.support.replicas import FAST_LEASE, Replica, leaders, start_replica, wait_until

SORRY = "please try again in a minute"
LEASE = float(FAST_LEASE["LEADER_LEASE_SECONDS"])


@dataclass
class Cluster:
    pg: PrivatePostgres
    fake: FakeSlack
    replicas: list[Replica]

    async def all_ready(self) -> bool:
        answers = await asyncio.gather(*(r.get("/readyz") for r in self.replicas))
        return all(status == 200 for status, _ in answers)

    async def one_leader(self, among: list[Replica] | None = None) -> bool:
        return len(await leaders(among or self.replicas)) == 1


@pytest.fixture
async def cluster(tmp_path: Path) -> AsyncIterator[Cluster]:
    with private_postgres() as pg:
        pg.psql("CREATE DATABASE nudgebot")
        fake = await FakeSlack().start()
        replicas = [
            start_replica(
                f"replica{i}",
                database_url=pg.url_for("nudgebot"),
                slack_api_url=fake.api_url,
                folder=tmp_path,
            )
            for i in range(3)
        ]
        try:
            yield Cluster(pg, fake, replicas)
        finally:
            for replica in replicas:
                replica.stop()
            await fake.stop()


async def test_replicas_migrate_once_lead_once_and_fail_over(cluster: Cluster) -> None:
    replicas = cluster.replicas
    await wait_until(cluster.all_ready, within=120, what="three replicas ready")
    # Started together against an empty database: one migration, three running processes.
    migrated = [r.name for r in replicas if "database schema migrated from empty" in r.log()]
    assert len(migrated) == 1, migrated
    assert cluster.pg.psql("SELECT count(*) FROM alembic_version", "nudgebot").strip() == "1"
    await wait_until(cluster.one_leader, within=30, what="one scheduler")

    # SIGKILL the leader: a follower leads within seconds (its session ends, and the lock with it).
    killed = (await leaders(replicas))[0]
    killed.signal(signal.SIGKILL)
    rest = [r for r in replicas if r is not killed]
    took = await wait_until(lambda: cluster.one_leader(rest), within=30, what="a leader after SIGKILL")
    assert took < 30

    # SIGSTOP the new leader: the server drops its silent lock connection after the lease and the
    # last follower takes over; woken, the frozen one steps down and runs nothing.
    frozen = (await leaders(rest))[0]
    follower = next(r for r in rest if r is not frozen)
    frozen.signal(signal.SIGSTOP)
    took = await wait_until(follower.leads, within=30, what="the follower leads while the leader is frozen")
    assert took < 30
    await asyncio.sleep(LEASE)
    frozen.signal(signal.SIGCONT)
    await wait_until(lambda: _not_leading(frozen), within=10, what="the woken replica steps down")
    assert "stepping down" in frozen.log()
    assert await leaders(rest) == [follower]

    # SIGTERM the leader: /readyz 503 while it drains, exit 0, and the other replica takes over.
    follower.signal(signal.SIGTERM)
    await wait_until(lambda: _answers(follower, 503), within=5, every=0.05, what="503 while draining")
    assert await asyncio.to_thread(follower.wait_exit, 30) == 0
    assert "drained; stopping" in follower.log()
    await wait_until(frozen.leads, within=15, what="the last replica leads after the SIGTERM")


async def _not_leading(replica: Replica) -> bool:
    return await replica.metric("nudgebot_leader") == 0.0


async def _answers(replica: Replica, status: int) -> bool:
    got, _ = await replica.get("/readyz", seconds=1)
    return got == status


async def test_postgres_stopped_for_30_seconds(cluster: Cluster) -> None:
    replicas, fake = cluster.replicas, cluster.fake
    await wait_until(cluster.all_ready, within=120, what="three replicas ready")
    await wait_until(cluster.one_leader, within=30, what="one scheduler")

    cluster.pg.stop()
    stopped = time.monotonic()
    statuses = []
    while time.monotonic() - stopped < 30:
        for i, replica in enumerate(replicas):
            statuses.append(
                await replica.command("/commitments", "", user_id=f"U{i}", response_url=fake.response_url())
            )
        await asyncio.sleep(3)
    status, body = await replicas[0].get("/readyz")
    assert status == 503
    assert json.loads(body)["checks"]["database"] is False
    assert (await replicas[0].get("/healthz"))[0] == 200
    # Every command was acknowledged, and people were told plainly to try again.
    assert len(statuses) >= 9
    assert {status for status, _ in statuses} == {200}
    assert all(SORRY in body for _, body in statuses), statuses[0]
    assert await leaders(replicas) == []  # nobody runs jobs on a lock it cannot check

    cluster.pg.start()
    await wait_until(cluster.all_ready, within=60, what="ready again without a restart")
    await wait_until(cluster.one_leader, within=30, what="one scheduler after the outage")
    await asyncio.sleep(2)
    assert len(await leaders(replicas)) == 1
    assert all(r.alive() for r in replicas)

    status, body = await replicas[1].command(
        "/commitments", "", user_id="U9", response_url=fake.response_url()
    )
    assert status == 200
    assert SORRY not in body
    for replica in replicas:
        # The lock's outage is logged once per replica, not once per try.
        assert replica.log().count("cannot reach the database for the scheduler lock") <= 1
