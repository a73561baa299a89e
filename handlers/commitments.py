"""/commitments: browse the plan by strategic objective, search it, or show one action in full.

Anyone may use it, known to nudgebot or not. Answers go to the asker only. Lists are paged with
`commitments.page` buttons whose value is the command text to run again (``objective=INF page=2``,
``page=2 words``), so a typed ``/commitments page=2 words`` behaves the same as the button.
"""

from __future__ import annotations

import difflib
import re
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from handlers import actions
from handlers.challenges import with_challenge
from handlers.commitment_view import action_message, objective_line
from handlers.context import Actor, Deps, Origin, Response
from handlers.markup import escape, truncate
from handlers.messages import MAX_BUTTONS, Button, Buttons, Context, Heading, Message, Part, Text
from handlers.wording import action_key, say, status_words
from storage.lookups import (
    ActionLine,
    action_keys,
    objective_actions,
    search_index,
    status_by_objective,
    status_of,
)
from storage.models import Plan
from storage.plan_queries import current_plan
from storage.search_index import SearchDoc

PAGE_SIZE = 10
OBJECTIVES_PER_PAGE = 15
# A search looks at most this many characters and words of what was typed.
MAX_QUERY_CHARS = 100
MAX_QUERY_WORDS = 8
HOW_TO = (
    "Type /commitments KEY (for example INF-1) to see an action in full, or /commitments and a few "
    "words to search."
)

if TYPE_CHECKING:
    from handlers.router import Router
_OPTION = re.compile(r"^(page|objective)=(\S+)$", re.IGNORECASE)


def register(router: Router) -> None:
    router.command(
        "commitments",
        commitments,
        summary="Browse and search the action plan",
        usage="[ACTION-KEY | words to search | objective KEY]",
        help="**{cmd}** to browse the plan, or **{cmd} INF-2** to see one action",
    )
    router.action("commitments", on_button)


async def on_button(deps: Deps, actor: Actor, action: str, value: str, origin: Origin) -> Response:
    """`commitments.show` (value: a key) and `commitments.page` (value: command text) rerun the command."""
    return await commitments(deps, actor, value)


async def commitments(deps: Deps, actor: Actor, text: str) -> Response:
    """Nothing → the plan; a key → that action; an objective key → its actions; other words → search."""
    page, objective, words = _options(text)
    key = action_key(words) if words and not objective else None
    async with deps.sessions() as session:
        # The hot path first: a key needs no plan row of its own (the query finds the current plan).
        shown = await action_message(session, deps, key) if key else None
        if shown is not None and key is not None:
            return Response(message=await with_challenge(session, actor, key, shown))
        plan = await current_plan(session)
        if plan is None:
            return say(
                "No plan has been imported yet, so there is nothing to show. An administrator can "
                "import one with `nudgebot plan import`."
            )
        if objective:
            listed = await _objective_page(session, plan, objective.upper(), page)
            return listed or say(f"There is no strategic objective {escape(objective)}. {HOW_TO}")
        if not words:
            return await _overview(session, plan, page)
        if key is not None:
            keys = await action_keys(session)
            if any(k.startswith(key.split("-")[0] + "-") for k in keys):
                return _no_such_key(key, keys)
        if re.fullmatch(r"[A-Za-z][A-Za-z0-9]{0,9}", words):
            listed = await _objective_page(session, plan, words.upper(), page)
            if listed is not None:
                return listed
        return await _search(session, plan, words, page)


def _options(text: str) -> tuple[int, str, str]:
    """(page, objective key, the remaining words) from ``page=2 objective=INF words…``."""
    page, objective, rest = 1, "", []
    for token in text.split():
        match = _OPTION.fullmatch(token)
        if match is None:
            rest.append(token)
        elif match.group(1).lower() == "page":
            page = int(match.group(2)) if match.group(2).isdigit() else 1
        else:
            objective = match.group(2)
    return max(page, 1), objective, " ".join(rest)


async def _overview(session: AsyncSession, plan: Plan, page: int) -> Response:
    objectives = await status_by_objective(session, plan_id=plan.id)
    total: dict[str, int] = {}
    for o in objectives:
        for status, n in o.counts.items():
            total[status] = total.get(status, 0) + n
    pages = max(1, -(-len(objectives) // OBJECTIVES_PER_PAGE))
    page = min(page, pages)
    shown = objectives[(page - 1) * OBJECTIVES_PER_PAGE : page * OBJECTIVES_PER_PAGE]
    count = sum(total.values())
    parts: list[Part] = [
        Heading(truncate(plan.name, 140)),
        Context(f"{plan.starts:%-d %B %Y} to {plan.ends:%-d %B %Y} · {count} actions: {status_words(total)}"),
    ]
    parts += [Text(objective_line(o)) for o in shown]
    buttons = [
        Button(f"See {truncate(o.name, 30)}", actions.COMMITMENTS_PAGE, f"objective={o.key}") for o in shown
    ]
    parts += _rows(buttons)
    parts += _pager(page, pages, "")
    parts.append(Context(HOW_TO))
    return Response(
        message=Message(fallback=f"{plan.name}: {count} actions, {status_words(total)}", parts=tuple(parts))
    )


async def _objective_page(session: AsyncSession, plan: Plan, objective: str, page: int) -> Response | None:
    """One page of an objective's actions, or None when the plan has no such objective."""
    offset = (page - 1) * PAGE_SIZE
    name, lines, total = await objective_actions(
        session, plan_id=plan.id, objective_key=objective, offset=offset, limit=PAGE_SIZE
    )
    if not name:
        return None
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        return await _objective_page(session, plan, objective, pages)
    heading = f"{truncate(name, 120)} ({objective})"
    parts: list[Part] = [Heading(heading), Context(_range(offset, len(lines), total))]
    parts += _action_parts(lines)
    parts += _pager(page, pages, f"objective={objective}")
    parts.append(Context(HOW_TO))
    return Response(message=Message(fallback=f"{heading}: {total} actions", parts=tuple(parts)))


async def _search(session: AsyncSession, plan: Plan, typed: str, page: int) -> Response:
    query = typed[:MAX_QUERY_CHARS]
    terms = [t for t in query.casefold().split() if t][:MAX_QUERY_WORDS]
    hits = _rank((await search_index(session, plan_id=plan.id)).find(terms), terms)
    if not hits:
        keys = difflib.get_close_matches(typed.upper(), await action_keys(session), n=3, cutoff=0.6)
        nearest = f" Did you mean {', '.join(keys)}?" if keys else ""
        return say(
            f"I couldn't find any commitment mentioning “{escape(query)}”.{nearest} Try fewer or "
            "different words, or type /commitments on its own to browse the whole plan.",
            extra=_rows([Button(k, actions.COMMITMENTS_SHOW, k) for k in keys]),
        )
    pages = max(1, -(-len(hits) // PAGE_SIZE))
    page = min(page, pages)
    offset = (page - 1) * PAGE_SIZE
    shown = hits[offset : offset + PAGE_SIZE]
    capped = " (I searched for the first words only)" if len(typed) > len(query) else ""
    parts: list[Part] = [
        Heading(truncate(f"Commitments matching “{query}”", 140)),
        Context(_range(offset, len(shown), len(hits)) + capped),
    ]
    lines = [ActionLine(d.key, d.title, d.status) for d in shown]
    snippets = [_snippet(d, terms) for d in shown]
    parts += _action_parts(lines, snippets)
    parts += _pager(page, pages, query)
    return Response(message=Message(fallback=f"{len(hits)} commitments match {query}", parts=tuple(parts)))


def _rank(docs: list[SearchDoc], terms: list[str]) -> list[SearchDoc]:
    """Actions whose titles carry more of the words first; otherwise plan order (a stable sort)."""
    return sorted(docs, key=lambda d: -sum(t in d.title.casefold() for t in terms))


def _snippet(doc: SearchDoc, terms: list[str]) -> str:
    """Where a match outside the title was found, so the asker sees why the action is listed."""
    if not terms or all(t in doc.title.casefold() for t in terms):
        return ""
    for text in doc.texts:
        at = text.casefold().find(terms[0])
        if at >= 0:
            start = max(0, at - 60)
            return ("…" if start else "") + truncate(text[start:], 160)
    return ""


def _action_parts(lines: list[ActionLine], snippets: list[str] | None = None) -> list[Part]:
    parts: list[Part] = []
    for i, line in enumerate(lines):
        text = f"**{line.key}** · {status_of(line.status).label}\n{escape(truncate(line.title, 300))}"
        if snippets and snippets[i]:
            text += f"\n_…{escape(snippets[i])}_"
        parts.append(Text(text))
    parts += _rows([Button(f"Show {line.key}", actions.COMMITMENTS_SHOW, line.key) for line in lines])
    return parts


def _rows(buttons: list[Button]) -> list[Part]:
    return [Buttons(tuple(buttons[i : i + MAX_BUTTONS])) for i in range(0, len(buttons), MAX_BUTTONS)]


def _pager(page: int, pages: int, base: str) -> list[Part]:
    """ "Page 1 of 3" / "Page 3 of 3" buttons either side of this page, none when it all fits."""
    if pages <= 1:
        return []
    buttons = []
    if page > 1:
        buttons.append(
            Button(
                f"← Page {page - 1} of {pages}", actions.COMMITMENTS_PAGE, f"page={page - 1} {base}".strip()
            )
        )
    if page < pages:
        buttons.append(
            Button(
                f"Page {page + 1} of {pages} →", actions.COMMITMENTS_PAGE, f"page={page + 1} {base}".strip()
            )
        )
    return [Context(f"Page {page} of {pages}"), Buttons(tuple(buttons))]


def _range(offset: int, shown: int, total: int) -> str:
    if total == 0:
        return "No actions here yet."
    return f"Showing {offset + 1}–{offset + shown} of {total}"


def _no_such_key(key: str, keys: list[str]) -> Response:
    nearest = difflib.get_close_matches(key, keys, n=5, cutoff=0.5)
    if not nearest:
        return say(f"There is no action {escape(key)} in the plan. {HOW_TO}")
    return say(
        f"There is no action {escape(key)} in the plan. The nearest are {', '.join(nearest)}.",
        extra=_rows([Button(f"Show {k}", actions.COMMITMENTS_SHOW, k) for k in nearest]),
    )
