"""The sandbox renderer: messages and forms → HTML that is escaped, labelled and says status in words."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser

from bot.sandbox.render import render_form, render_message
from handlers import actions
from handlers.messages import (
    Button,
    Buttons,
    Choice,
    Context,
    DateInput,
    Divider,
    Field,
    Fields,
    Form,
    Heading,
    Image,
    LongText,
    Message,
    Option,
    ShortText,
    Text,
    UrlInput,
)
from handlers.messenger import MessageRef
from handlers.nudges import DueItem, nudge_message

HOSTILE = "<script>alert(1)</script>\"'&<img src=x onerror=alert(2)>"


class Collect(HTMLParser):
    """Every start tag with its attributes, and the text, in document order."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for t, attrs in self.tags if t == tag]

    @property
    def words(self) -> str:
        return " ".join("".join(self.text).split())


def test_hostile_text_everywhere_in_a_message_is_shown_literally_never_as_markup() -> None:
    message = Message(
        fallback=HOSTILE,
        parts=(
            Heading(HOSTILE),
            Text(f"narrative: {HOSTILE}"),
            Fields((Field(HOSTILE, HOSTILE),)),
            Context(HOSTILE),
            Image(b"\x89PNG", alt=HOSTILE, title=HOSTILE),
            Buttons((Button(HOSTILE, actions.NUDGE_ON_TRACK, HOSTILE),)),
        ),
    )
    html = render_message(message, MessageRef("sandbox", HOSTILE, "1"))
    page = Collect(html)

    assert "<script" not in html
    assert "<img src=x" not in html
    assert [t for t, _ in page.tags if t in {"script", "iframe", "object"}] == []
    # Heading, text, field label and value, context, caption, button label.
    assert page.words.count("<script>alert(1)</script>") == 7
    imgs = page.all("img")
    assert len(imgs) == 1
    assert imgs[0]["alt"] == HOSTILE
    assert imgs[0]["src"].startswith("data:image/png;base64,")
    assert [b["value"] for b in page.all("button")] == [f"{actions.NUDGE_ON_TRACK} {HOSTILE}"]
    assert any(i.get("value") == HOSTILE for i in page.all("input"))


def test_links_only_to_http_and_their_labels_escaped() -> None:
    html = render_message(Message("x", (Text("see [the <b>plan</b>](https://example.org/a?b=1&c=2)"),)))
    page = Collect(html)

    assert page.all("a") == [{"href": "https://example.org/a?b=1&c=2", "rel": "noopener noreferrer"}]
    assert "<b>" not in html
    assert "the <b>plan</b>" in page.words
    javascript = render_message(Message("x", (Text("[click](javascript:alert(1))"),)))
    assert Collect(javascript).all("a") == []


def test_markup_renders_bold_italic_and_lists() -> None:
    html = render_message(Message("x", (Text("**Bold** and _quiet_\n- one\n- two"),)))

    assert "<strong>Bold</strong>" in html
    assert "<em>quiet</em>" in html
    assert "<ul><li>one</li><li>two</li></ul>" in html


def test_nudge_buttons_are_forms_that_post_without_javascript_and_status_is_in_words() -> None:
    message = nudge_message(
        "Sam Sample",
        [DueItem("INF-2", "Build relationships", "October 2024", status="at_risk", last_update="3 Sep")],
    )
    page = Collect(render_message(message, MessageRef("sandbox", "dm:2", "7")))

    forms = page.all("form")
    assert forms == [{"method": "post", "action": "/action", "class": "buttons"}]
    pressed = [b["value"] for b in page.all("button")]
    assert f"{actions.NUDGE_ON_TRACK} INF-2" in pressed
    assert f"{actions.NUDGE_SNOOZE} INF-2|7" in pressed
    assert {"type": "hidden", "name": "ref_channel", "value": "dm:2"} in page.all("input")
    assert "now: At risk" in page.words
    # The colour comes with the word, never instead of it.
    assert {"class": "status status-at_risk"} in page.all("span")
    primary = next(b for b in page.all("button") if b["class"] == "button button-primary")
    assert primary["value"].startswith(actions.NUDGE_ON_TRACK)


UPDATE_FORM = Form(
    form_id=actions.FORM_UPDATE,
    title="Update INF-2",
    intro=f"About {HOSTILE}",
    state="opaque-state-42",
    inputs=(
        Choice(
            "status",
            "Status",
            (Option("on_track", "On track"), Option("at_risk", HOSTILE)),
            hint="How is it going?",
            initial="on_track",
        ),
        LongText("narrative", f"What happened {HOSTILE}", hint=HOSTILE, initial=HOSTILE),
        UrlInput("link", "A link", hint="https://…"),
        DateInput("when", "When", initial=date(2024, 10, 7)),
        ShortText("title", "Title", required=False),
    ),
)


def test_every_form_input_has_a_label_and_hints_are_described() -> None:
    page = Collect(render_form(UPDATE_FORM))

    controls = [
        attrs
        for tag, attrs in page.tags
        if tag in {"select", "textarea"} or (tag == "input" and attrs.get("type") != "hidden")
    ]
    labels = {label["for"] for label in page.all("label")}
    ids = {attrs["id"] for _, attrs in page.tags if "id" in attrs}
    assert len(controls) == 5
    for control in controls:
        assert control["id"] in labels, control
        for described in control.get("aria-describedby", "").split():
            assert described in ids
    assert {c["name"] for c in controls} == {"status", "narrative", "link", "when", "title"}
    date_input = next(c for c in controls if c["name"] == "when")
    assert (date_input["type"], date_input["value"]) == ("date", "2024-10-07")
    assert next(c for c in controls if c["name"] == "link")["type"] == "url"
    assert "Title (optional)" in page.words
    assert "opaque-state-42" not in render_form(UPDATE_FORM)  # the form's state stays on the server
    assert "<script" not in render_form(UPDATE_FORM)


def test_errors_sit_next_to_their_field_and_are_summarised_at_the_top_as_an_alert() -> None:
    html = render_form(
        UPDATE_FORM,
        values={"narrative": "typed <text>", "status": "at_risk"},
        errors={"narrative": "Say what happened", "link": f"Not a link: {HOSTILE}"},
    )
    page = Collect(html)

    alerts = [a for _, a in page.tags if a.get("role") == "alert"]
    assert len(alerts) == 1
    assert html.index('role="alert"') < html.index("<form")
    assert {"href": "#field-narrative"} in page.all("a")
    narrative = next(t for t in page.all("textarea"))
    assert narrative["aria-invalid"] == "true"
    assert "field-narrative-error" in narrative["aria-describedby"].split()
    assert "Error: Say what happened" in page.words
    assert "typed <text>" in page.words
    assert {"value": "at_risk", "selected": ""} in page.all("option")
    assert "<script" not in html


def test_a_plain_message_without_parts_shows_its_fallback() -> None:
    html = render_message(Message(fallback="Done: <b>INF-2</b> is on track"))

    assert "&lt;b&gt;INF-2&lt;/b&gt;" in html
    assert 'class="status status-on_track">on track<' in html


def test_dividers_and_fields_render() -> None:
    page = Collect(render_message(Message("x", (Divider(), Fields((Field("Owner", "**Sam**"),))))))

    assert [t for t, _ in page.tags] == ["hr", "dl", "div", "dt", "dd", "strong"]
