"""`nudgebot teams package`: a zip Teams admin centre accepts, or a clear error and no file."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

from tests.support.fakes.teams_activities import APP_ID

REPO = Path(__file__).resolve().parents[2]


def run(tmp_path: Path, *args: str, app_id: str | None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEAMS_", "SLACK_"))}
    if app_id is not None:
        env["TEAMS_APP_ID"] = app_id
    return subprocess.run(
        [sys.executable, "-m", "bot", "teams", "package", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert kind == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    (crc,) = struct.unpack(">I", data[29:33])
    assert crc == zlib.crc32(data[12:29])
    return width, height


def test_package_holds_the_manifest_and_both_icons(tmp_path: Path) -> None:
    out = tmp_path / "dist" / "teams.zip"
    result = run(tmp_path, "--out", str(out), app_id=APP_ID)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
        manifest = json.loads(archive.read("manifest.json"))
        assert png_size(archive.read("color.png")) == (192, 192)
        assert png_size(archive.read("outline.png")) == (32, 32)
    assert manifest["manifestVersion"] == "1.19" and manifest["id"] == APP_ID
    bot = manifest["bots"][0]
    assert bot["botId"] == APP_ID and bot["scopes"] == ["personal", "team"]
    commands = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert commands == ["commitments", "nudge", "feedback", "review"]
    assert manifest["webApplicationInfo"]["id"] == APP_ID


def test_without_an_app_id_it_says_so_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "teams.zip"
    result = run(tmp_path, "--out", str(out), app_id=None)
    assert result.returncode == 2
    assert "TEAMS_APP_ID" in result.stderr
    assert not out.exists()


def test_an_app_id_that_is_not_a_guid_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "teams.zip"
    result = run(tmp_path, "--out", str(out), app_id="my-bot")
    assert result.returncode == 2 and "GUID" in result.stderr
    assert not out.exists()
