"""An in-memory trigram index of a plan's searchable texts: a search costs what it finds, not the plan's size.

`/commitments some words` matches actions whose key, title, steps, outcomes or measures contain every word
(case-folded substrings, as before). Scanning every action's text per request grew with the plan; the index
keeps, for each three-character sequence, the set of actions whose text holds it, so a word's candidates are
the intersection of a few small sets, confirmed with a substring check. It is built by `lookups.search_index`
and remembered by `storage.read_cache` until the database changes (a plan import, say), its one invalidation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

GRAM = 3


@dataclass(frozen=True)
class SearchDoc:
    """An action and every text a search looks at: title, steps, outcomes and measures."""

    key: str
    title: str
    status: str
    texts: tuple[str, ...]


def _grams(text: str) -> set[str]:
    return {text[i : i + GRAM] for i in range(len(text) - GRAM + 1)}


@dataclass
class SearchIndex:
    docs: Sequence[SearchDoc]
    haystacks: list[str] = field(init=False)
    postings: dict[str, set[int]] = field(init=False)

    def __post_init__(self) -> None:
        self.haystacks = [" ".join((d.key, d.title, *d.texts)).casefold() for d in self.docs]
        postings: defaultdict[str, set[int]] = defaultdict(set)
        for position, haystack in enumerate(self.haystacks):
            for gram in _grams(haystack):
                postings[gram].add(position)
        self.postings = dict(postings)

    def _candidates(self, term: str) -> set[int] | None:
        """Positions that may contain `term`, or None when it is too short to narrow by."""
        grams = sorted(_grams(term), key=lambda g: len(self.postings.get(g, ())))
        if not grams:
            return None
        found = set(self.postings.get(grams[0], ()))
        for gram in grams[1:]:
            if not found:
                break
            found &= self.postings.get(gram, set())
        return found

    def find(self, terms: Sequence[str]) -> list[SearchDoc]:
        """The docs containing every (case-folded) term, in plan order."""
        folded = [t.casefold() for t in terms if t]
        narrowed: set[int] | None = None
        for term in folded:
            candidates = self._candidates(term)
            if candidates is not None:
                narrowed = candidates if narrowed is None else narrowed & candidates
        positions = range(len(self.docs)) if narrowed is None else sorted(narrowed)
        return [self.docs[p] for p in positions if all(term in self.haystacks[p] for term in folded)]
