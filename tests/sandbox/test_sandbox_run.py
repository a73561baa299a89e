"""`nudgebot run` with no chat settings, as a real process: migrate, load the demo, serve, say where."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import aiohttp

REPO = Path(__file__).resolve().parents[2]


async def nudgebot_run(tmp_path: Path, *args: str) -> asyncio.subprocess.Process:
    """`nudgebot run` on a fresh SQLite file, a free port and no chat settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_"))}
    env |= {"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "PORT": "0", "HOST": "127.0.0.1"}
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        *args,
        cwd=tmp_path,
        env=env | {"NO_COLOR": "1", "COLUMNS": "200"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_run_without_chat_settings_serves_the_sandbox_and_prints_its_address(tmp_path: Path) -> None:
    proc = await nudgebot_run(tmp_path)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), timeout=60)).decode()
        found = re.fullmatch(r"nudgebot sandbox: (http://127\.0\.0\.1:\d+/)\n", line)
        assert found, line
        async with aiohttp.ClientSession() as http:
            async with http.get(found.group(1)) as r:
                page = await r.text()
            async with http.get(found.group(1) + "healthz") as r:
                assert r.status == 200
        # The demo people are there to pick from: the database was migrated and loaded.
        assert "Alex Example — admin, smt, staff, owns 5 actions" in page
    finally:
        proc.terminate()
        await proc.wait()


async def test_run_refuses_to_serve_the_sandbox_beyond_loopback(tmp_path: Path) -> None:
    proc = await nudgebot_run(tmp_path, "--host", "0.0.0.0")  # noqa: S104 (what is refused)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 2
    assert b"nudgebot sandbox:" not in out
    assert "the sandbox has no login, so it listens on loopback only" in err.decode()
    assert not (tmp_path / "fresh.db").exists()
