"""The people file (CSV): who works here, their team, roles, time zone and chat ids."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from storage.yaml_nodes import InvalidFile, Problem

# Deliberately simple: one @, a dot in the domain, no spaces. Deliverability is not our business.
EMAIL_PATTERN = re.compile(r"[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+")
REQUIRED_COLUMNS = ("name", "email")
OPTIONAL_COLUMNS = (
    "team",
    "roles",
    "timezone",
    "on_probation",
    "slack_user_id",
    "teams_user_id",
    "leads",
    "manager",
)
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0", ""}


@dataclass(frozen=True)
class PersonSpec:
    name: str
    email: str
    team: str = ""
    roles: tuple[str, ...] = ("staff",)
    timezone: str = "Europe/London"
    on_probation: bool = False
    slack_user_id: str = ""
    teams_user_id: str = ""
    leads: tuple[str, ...] = ()
    # The line manager's email: who agrees this person's SMART objective and records how it ended.
    manager: str = ""
    line: int = 0


def read_csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Read a CSV with a header row; every row comes with the file line it started on."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidFile([Problem(str(path), 0, "", f"cannot read the file: {exc}")]) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, str]]] = []
    line = 2
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
        reader.fieldnames = header
        for row in reader:
            rows.append((line, {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise InvalidFile([Problem(str(path), reader.line_num, "", f"not valid CSV: {exc}")]) from exc
    return header, rows


def parse_bool(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def load_people_file(path: Path, *, known_roles: set[str], default_timezone: str) -> list[PersonSpec]:
    """Read and validate a people CSV; raise `InvalidFile` listing every problem with its line."""
    filename = str(path)
    header, rows = read_csv_rows(path)
    problems: list[Problem] = []
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise InvalidFile([Problem(filename, 1, "", f"missing column(s): {', '.join(missing)}")])
    unknown = [c for c in header if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(Problem(filename, 1, "", f"unknown column(s): {', '.join(unknown)}"))
    people: list[PersonSpec] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if not any(row.values()):
            continue

        def bad(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(filename, line, column, message))

        email = row.get("email", "").lower()
        if not EMAIL_PATTERN.fullmatch(email):
            bad("email", f"{email!r} is not an email address")
        elif email in seen:
            bad("email", f"{email} appears twice (first on line {seen[email]})")
        else:
            seen[email] = line
        name = row.get("name", "")
        if not name:
            bad("name", "must not be empty")
        roles = tuple(dict.fromkeys(r.strip().lower() for r in row.get("roles", "").split(";") if r.strip()))
        for role in roles:
            if role not in known_roles:
                bad("roles", f"unknown role {role!r} (known: {', '.join(sorted(known_roles))})")
        timezone = row.get("timezone", "") or default_timezone
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            bad("timezone", f"unknown time zone {timezone!r} (use a name like Europe/London)")
        manager = row.get("manager", "").lower()
        if manager and not EMAIL_PATTERN.fullmatch(manager):
            bad("manager", f"{manager!r} is not an email address")
        elif manager and manager == email:
            bad("manager", "a person cannot be their own line manager")
        probation = parse_bool(row.get("on_probation", ""))
        if probation is None:
            bad("on_probation", f"{row.get('on_probation')!r} is not true or false")
        people.append(
            PersonSpec(
                name=name,
                email=email,
                team=row.get("team", ""),
                roles=roles or ("staff",),
                timezone=timezone,
                on_probation=bool(probation),
                slack_user_id=row.get("slack_user_id", ""),
                teams_user_id=row.get("teams_user_id", ""),
                leads=tuple(t.strip() for t in row.get("leads", "").split(";") if t.strip()),
                manager=manager,
                line=line,
            )
        )
    if problems:
        raise InvalidFile(problems)
    return people
