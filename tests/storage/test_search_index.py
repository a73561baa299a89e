"""The trigram search index finds exactly what scanning every action's text for every word finds."""

from __future__ import annotations

import random

from storage.search_index import SearchDoc, SearchIndex

WORDS = ("race", "equality", "programme", "Ethnic", "minority", "staff", "survey", "audit", "Ölç", "ab")


def _scan(docs: list[SearchDoc], terms: list[str]) -> list[SearchDoc]:
    """The old way: every action, every word, as a case-folded substring."""
    folded = [t.casefold() for t in terms]
    return [d for d in docs if all(t in " ".join((d.key, d.title, *d.texts)).casefold() for t in folded)]


def _docs(rnd: random.Random, n: int) -> list[SearchDoc]:
    def sentence() -> str:
        return " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(1, 6)))

    return [
        SearchDoc(f"K-{i}", sentence(), "on_track", tuple(sentence() for _ in range(rnd.randint(0, 4))))
        for i in range(n)
    ]


def test_the_index_agrees_with_a_full_scan_on_random_plans_and_queries() -> None:
    rnd = random.Random(14)
    for _ in range(40):
        docs = _docs(rnd, rnd.randint(0, 60))
        index = SearchIndex(docs)
        for _ in range(20):
            # Whole words, word pieces (substrings match, as before), short terms and case changes.
            terms = [rnd.choice(WORDS)[: rnd.randint(1, 9)].upper() for _ in range(rnd.randint(1, 3))]
            assert index.find(terms) == _scan(docs, terms), terms


def test_a_word_that_is_nowhere_finds_nothing_and_order_is_plan_order() -> None:
    docs = [SearchDoc("A-1", "Staff survey", "done", ()), SearchDoc("A-2", "An audit", "done", ("staff",))]
    index = SearchIndex(docs)
    assert index.find(["zebra"]) == []
    assert [d.key for d in index.find(["staff"])] == ["A-1", "A-2"]
    assert [d.key for d in index.find(["ST"])] == ["A-1", "A-2"]
