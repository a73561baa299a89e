"""The sandbox's pages as HTML strings: a layout, the person picker, conversations, the move-time form."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape

from bot.sandbox import ids
from bot.sandbox.messenger import Entry
from bot.sandbox.render import render_message
from bot.sandbox.state import JobInfo
from handlers.messenger import MessageRef

DEMO_NOTE = (
    "This is a local demo. Pick anyone: there is no login, a cookie remembers who you are acting as. "
    "Messages live only while nudgebot runs; updates you give are kept in the database like in Slack."
)


@dataclass(frozen=True)
class PersonChoice:
    id: int
    name: str
    team: str
    roles: tuple[str, ...]
    owns: int

    @property
    def label(self) -> str:
        owns = f", owns {self.owns} action{'s' if self.owns != 1 else ''}" if self.owns else ""
        return f"{self.name} — {', '.join(self.roles) or 'no role'}{owns} ({self.team})"


@dataclass(frozen=True)
class Viewer:
    """Who the page is for, and what the chrome around the content needs to know."""

    person: PersonChoice
    people: Sequence[PersonChoice]
    channels: Sequence[str]  # short names the person may open, e.g. ("smt", "reci")
    demo_now: datetime
    jobs: Sequence[JobInfo]
    notices: Sequence[str] = ()
    tour: Sequence[str] = ()


def layout(title: str, body: str, *, viewer: Viewer | None = None, current: str = "") -> str:
    chrome = _chrome(viewer, current) if viewer else ""
    notices = ""
    if viewer and viewer.notices:
        notices = (
            '<div class="notice" role="status">'
            + "".join(f"<p>{escape(n)}</p>" for n in viewer.notices)
            + "</div>"
        )
    return (
        '<!doctype html><html lang="en-GB"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} · nudgebot sandbox</title>"
        f'<link rel="stylesheet" href="{ids.STYLE_PATH}"></head><body>'
        '<a class="skip" href="#content">Skip to content</a>'
        '<header class="banner"><p class="brand">nudgebot <span>sandbox</span></p>'
        f'<p class="demo-note">{escape(DEMO_NOTE)}</p></header>'
        f'<div class="page">{chrome}<main id="content" tabindex="-1"><h1>{escape(title)}</h1>'
        f"{notices}{body}</main></div></body></html>"
    )


def _chrome(viewer: Viewer, current: str) -> str:
    links = [(ids.DM_PATH, "Direct messages")]
    links += [(ids.CHANNEL_PATH.format(name=c), f"#{c} channel") for c in viewer.channels]
    links.append((ids.APP_HOME_PATH, "Home"))
    here = ' aria-current="page"'
    items = "".join(
        f'<li><a href="{href}"{here if href == current else ""}>{escape(text)}</a></li>'
        for href, text in links
    )
    return (
        '<aside class="side">'
        f"{who_form(viewer.people, selected=viewer.person.id, back=current)}"
        f'<nav aria-label="Conversations"><ul>{items}</ul></nav>'
        f"{time_form(viewer.demo_now, viewer.jobs, back=current)}"
        f"{tour_html(viewer.tour, open_=False)}"
        "</aside>"
    )


def who_form(people: Sequence[PersonChoice], *, selected: int | None, back: str = "") -> str:
    options = "".join(
        f'<option value="{p.id}"{" selected" if p.id == selected else ""}>{escape(p.label)}</option>'
        for p in people
    )
    placeholder = "" if selected else '<option value="">Choose a person…</option>'
    return (
        f'<form method="post" action="{ids.WHO_PATH}" class="who">'
        f'<label for="who-person">Act as</label>'
        f'<select id="who-person" name="{ids.PERSON}" required>{placeholder}{options}</select>'
        f'<input type="hidden" name="{ids.BACK}" value="{escape(back)}">'
        '<button type="submit" class="button">Switch person</button></form>'
    )


def _job_button(job: JobInfo) -> str:
    described = f' aria-describedby="job-{escape(job.name)}"' if job.description else ""
    return (
        f'<button type="submit" name="{ids.TIME_JOB}" value="{escape(job.name)}" class="button"{described}>'
        f"Run {escape(job.label)}</button>"
    )


def time_form(now: datetime, jobs: Sequence[JobInfo], *, back: str) -> str:
    when = escape(now.strftime("%A %-d %B %Y, %H:%M"))
    buttons = "".join(_job_button(j) for j in jobs)
    described = "".join(
        f'<li id="job-{escape(j.name)}">{escape(j.label)}: {escape(j.description)}</li>'
        for j in jobs
        if j.description
    )
    if described:
        buttons += f'<details class="hint"><summary>What the jobs do</summary><ul>{described}</ul></details>'
    if not jobs:
        buttons = '<p class="hint">No scheduled jobs are available in this build.</p>'
    return (
        f'<form method="post" action="{ids.TIME_PATH}" class="time">'
        f'<fieldset><legend>Move time</legend><p class="now">Demo time: <time datetime="{now.isoformat()}">'
        f"{when}</time></p>"
        f'<label for="time-date">Date</label>'
        f'<input type="date" id="time-date" name="{ids.TIME_DATE}" value="{now.date().isoformat()}"'
        ' required aria-describedby="time-hint">'
        f'<label for="time-time">Time</label>'
        f'<input type="time" id="time-time" name="{ids.TIME_TIME}" value="{now.strftime("%H:%M")}" required>'
        '<p class="hint" id="time-hint">Sets the demo clock to this moment. A job button then runs that job'
        " as of it, the way the scheduler would on that day.</p>"
        f'<input type="hidden" name="{ids.BACK}" value="{escape(back)}">'
        f'<div class="jobs">{buttons}'
        f'<button type="submit" name="{ids.TIME_JOB}" value="" class="button">Only move time</button></div>'
        "</fieldset></form>"
    )


def tour_html(steps: Sequence[str], *, open_: bool) -> str:
    if not steps:
        return ""
    items = "".join(f"<li>{escape(step)}</li>" for step in steps)
    is_open = " open" if open_ else ""
    return f'<details class="tour"{is_open}><summary>A one-minute tour</summary><ol>{items}</ol></details>'


def picker_page(people: Sequence[PersonChoice], tour: Sequence[str] = ()) -> str:
    body = (
        "<p>Choose who you are. An action owner gets nudges in their direct messages; a senior management "
        "team (smt) member reads the SMT channel's digest; a RECI member runs anonymous surveys; "
        "anyone can look the plan up with <code>/commitments</code>.</p>"
        f"{who_form(people, selected=None, back=ids.DM_PATH)}{tour_html(tour, open_=True)}"
    )
    return layout("Try nudgebot", body)


def command_form(back: str) -> str:
    return (
        f'<form method="post" action="{ids.COMMAND_PATH}" class="command">'
        '<label for="command-text">Type a command, as in Slack</label>'
        '<div class="row">'
        f'<input type="text" id="command-text" name="{ids.COMMAND}" maxlength="500" required'
        ' autocomplete="off" aria-describedby="command-hint" placeholder="/commitments INF-2">'
        '<button type="submit" class="button button-primary">Send</button></div>'
        '<p class="hint" id="command-hint">For example <code>/commitments INF-2</code>, '
        "<code>/nudge mine</code> or <code>/feedback new</code>.</p>"
        f'<input type="hidden" name="{ids.BACK}" value="{escape(back)}"></form>'
    )


def _header(entry: Entry) -> str:
    when = entry.at.strftime("%a %-d %b %Y, %H:%M")
    private = ' <span class="private">Only visible to you</span>' if entry.private_to is not None else ""
    return (
        f'<header><span class="author">{escape(entry.author)}</span> '
        f'<time datetime="{entry.at.isoformat()}">{escape(when)}</time>{private}</header>'
    )


def reply_form(ref: MessageRef) -> str:
    fid = f"reply-{escape(ref.id)}"
    return (
        '<details class="reply"><summary>Reply in thread</summary>'
        f'<form method="post" action="{ids.REPLY_PATH}">'
        f'<input type="hidden" name="{ids.REF_CHANNEL}" value="{escape(ref.channel)}">'
        f'<input type="hidden" name="{ids.REF_ID}" value="{escape(ref.id)}">'
        f'<label for="{fid}">Your reply</label>'
        f'<textarea id="{fid}" name="{ids.REPLY_TEXT}" rows="2" maxlength="3000" required></textarea>'
        '<button type="submit" class="button">Reply</button></form></details>'
    )


def _article(entry: Entry, inner: str = "") -> str:
    css = "message" if entry.author == "nudgebot" else "message typed"
    return (
        f'<article class="{css}" id="m{escape(entry.ref.id)}">{_header(entry)}'
        f"{render_message(entry.message, entry.ref)}{inner}</article>"
    )


def entry_html(entry: Entry, replies: Sequence[Entry]) -> str:
    thread = ""
    if replies:
        thread = f'<div class="thread" aria-label="Replies">{"".join(_article(r) for r in replies)}</div>'
    # Like Slack, only a message everyone in the conversation sees can have a thread (not a private answer).
    threaded = entry.author == "nudgebot" and entry.private_to is None
    return _article(entry, thread + (reply_form(entry.ref) if threaded else ""))


def conversation(entries: Sequence[Entry], *, empty: str) -> str:
    """Newest first, so what just arrived is at the top; thread replies sit under their message."""
    top = [e for e in entries if e.thread_of is None]
    if not top:
        return f'<p class="empty">{escape(empty)}</p>'
    replies: dict[str, list[Entry]] = {}
    for e in entries:
        if e.thread_of is not None:
            replies.setdefault(e.thread_of, []).append(e)
    return (
        '<div class="conversation">'
        + "".join(entry_html(e, replies.get(e.ref.id, [])) for e in reversed(top))
        + "</div>"
    )
