"""Kind timing for people: their local time, working days, the nudge hour and quiet hours."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jobs.config import EngineSettings
from jobs.workdays import is_working_day


def zone(name: str, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def local_now(now: datetime, tz_name: str, settings: EngineSettings) -> datetime:
    return now.astimezone(zone(tz_name, settings.timezone))


def in_quiet_hours(moment: time, settings: EngineSettings) -> bool:
    start, end = settings.quiet_hours_start, settings.quiet_hours_end
    if start == end:
        return False
    if start < end:
        return start <= moment < end
    # Quiet hours that run over midnight (18:00–08:00).
    return moment >= start or moment < end


def may_nudge(local: datetime, settings: EngineSettings) -> bool:
    """A working day, the person's nudge time has passed today, and it is not quiet hours."""
    moment = local.time().replace(tzinfo=None)
    return (
        is_working_day(local.date())
        and moment >= settings.nudge_time
        and not in_quiet_hours(moment, settings)
    )


def next_nudge_moment(local: datetime, settings: EngineSettings) -> datetime:
    """The next moment `may_nudge` holds: today if still early, else the next working day's nudge time."""
    day: date = local.date()
    for _ in range(30):
        candidate = datetime.combine(day, settings.nudge_time, tzinfo=local.tzinfo)
        if candidate < local and may_nudge(local, settings) and day == local.date():
            return local
        if candidate >= local and may_nudge(candidate, settings):
            return candidate
        day += timedelta(days=1)
    return local + timedelta(days=1)
