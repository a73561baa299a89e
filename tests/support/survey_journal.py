"""Reading a database's journal as an attacker would: where each canary answer and each mark first appears.

An administrator with the PostgreSQL WAL (or a WAL archive, or a replica's) or the SQLite `-wal` file
sees bytes in the order they were written. These helpers find, in that byte stream, the first place
each canary answer text and each person's who-answered mark appear, and measure what an attacker who
knows the survey's key (it is in the same database) learns from that order:
- `pairing_hits`: pair the j-th answer in the log with the j-th mark in the log — how many are right;
- `within_batch_rho`: inside each written batch, does log order follow the order people answered in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.support.survey_helpers import spearman


def canary(i: int) -> str:
    return f"CANARY-{i:04d}-answer"


def first_offsets(stream: bytes, needles: Sequence[bytes]) -> list[int]:
    """Where each needle first appears in `stream`; every needle must be there."""
    found = [stream.find(n) for n in needles]
    missing = [i for i, at in enumerate(found) if at < 0]
    assert not missing, f"{len(missing)} of {len(needles)} never reached the journal (first: {missing[:3]})"
    return found


WAL_PAGE = 8192
# XLogPageHeaderData, MAXALIGNed: 24 bytes, or 40 on a segment's first page (the long header).
SHORT_HEADER, LONG_HEADER = 24, 40


def wal_stream(wal_dir: Path) -> bytes:
    """PostgreSQL's WAL segments in log order (their names sort in LSN order), page headers removed.

    A record that crosses an 8 kB page boundary continues right after the next page's header, so
    taking the headers out leaves each record's bytes (an inserted row's text included) contiguous.
    """
    segments = sorted(p for p in wal_dir.iterdir() if re.fullmatch(r"[0-9A-F]{24}", p.name))
    out = bytearray()
    for segment in segments:
        data = segment.read_bytes()
        for start in range(0, len(data), WAL_PAGE):
            out += data[start + (LONG_HEADER if start == 0 else SHORT_HEADER) : start + WAL_PAGE]
    return bytes(out)


def inserts_by_transaction(waldump: str, relfilenodes: dict[str, int]) -> dict[int, dict[str, int]]:
    """From `pg_waldump` output: per transaction id, how many heap inserts went into each named table."""
    by_node = {node: name for name, node in relfilenodes.items()}
    out: dict[int, dict[str, int]] = {}
    pattern = re.compile(r"rmgr: Heap2? .*?tx:\s+(\d+), .*?desc: (?:MULTI_)?INSERT.*?rel \d+/\d+/(\d+)")
    for line in waldump.splitlines():
        match = pattern.search(line)
        if match is None or int(match.group(2)) not in by_node:
            continue
        counts = out.setdefault(int(match.group(1)), {})
        name = by_node[int(match.group(2))]
        counts[name] = counts.get(name, 0) + 1
    return out


def ranks(values: Sequence[int]) -> list[int]:
    """The rank (0-based) of each value among `values`."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0] * len(values)
    for rank, i in enumerate(order):
        out[i] = rank
    return out


@dataclass(frozen=True)
class Reading:
    """For person i (who answered i-th): where their answer and their mark first appear in the log."""

    answer_at: list[int]
    mark_at: list[int]

    def pairing_hits(self) -> int:
        """Answers the attacker attributes rightly by pairing log order of answers with that of marks."""
        answer_rank, mark_rank = ranks(self.answer_at), ranks(self.mark_at)
        return sum(a == m for a, m in zip(answer_rank, mark_rank, strict=True))

    def overall_rho(self) -> float:
        """Spearman's rho between log order of answers and the order people answered in."""
        by_log = sorted(range(len(self.answer_at)), key=lambda i: self.answer_at[i])
        return spearman(by_log)

    def within_batch_rho(self, batches: Sequence[Sequence[int]]) -> float:
        """Rho between log order and answer order inside each batch (people given by index), pooled."""
        pooled_log: list[int] = []
        pooled_submitted: list[int] = []
        for batch in batches:
            members = sorted(batch)
            log_rank = ranks([self.answer_at[i] for i in members])
            pooled_log += log_rank
            pooled_submitted += list(range(len(members)))
        n = len(pooled_log)
        # Each batch contributes a permutation of 0..k-1; compare positions as one rank correlation.
        mean = (sum(pooled_log) / n, sum(pooled_submitted) / n)
        cov = sum((a - mean[0]) * (b - mean[1]) for a, b in zip(pooled_log, pooled_submitted, strict=True))
        var = sum((b - mean[1]) ** 2 for b in pooled_submitted)
        return cov / var


def batches_in_log(answer_at: Sequence[int], gap_from: Sequence[int]) -> list[list[int]]:
    """Group answers into the batches the log shows: answers with no mark between them in the log."""
    order = sorted(range(len(answer_at)), key=lambda i: answer_at[i])
    marks = sorted(gap_from)
    batches: list[list[int]] = [[]]
    previous = -1
    for i in order:
        at = answer_at[i]
        if previous >= 0 and any(previous < m < at for m in marks):
            batches.append([])
        batches[-1].append(i)
        previous = at
    return [b for b in batches if b]
