"""`mailbot status`: is the daemon alive, what waits, which deadlines are at risk; for people and monitoring.

:func:`assess` is pure: it judges :class:`Facts` (read by :func:`gather`) against the clock.
Unhealthy means the service is not doing its job: no live daemon, trouble that lasts, mail that
is not sent. What a person should look at (parked or quarantined mail, deadlines) is listed
apart and fails the check only with ``--strict``.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.cases.lifecycle import ACTIVE
from mailbot.cases.timers import DeadlineRisk, deadlines_at_risk
from mailbot.clock import iso, iso_or_none, span_text
from mailbot.config import Rules
from mailbot.store import Beat, QueueFigures, Store
from mailbot.workdays import WorkCalendar

# Exit codes, Nagios-style: monitoring reads only these.
HEALTHY, UNHEALTHY, CONFIG_ERROR = 0, 1, 2
# The daemon beats every 30 s; its longest single steps (an SMTP batch, the daily retention
# purge) do not beat at all, so only a much longer silence means it hangs.
STALE_AFTER = timedelta(minutes=10)
SEND_LATE = timedelta(hours=1)  # the outbox retries every hour at most: later than this is stuck
RECENT_HOURS = 24  # quarantined mail this recent needs a look
RECENT = timedelta(hours=RECENT_HOURS)
DEADLINE_WORDS = {"ack": "acknowledgement", "solution": "solution"}


@dataclass(frozen=True)
class Facts:
    """What the check reads: the database, and whether the heartbeat's process still exists."""

    beat: Beat | None
    pid_running: bool | None  # None: the daemon ran on another host, its pid cannot be checked here
    queue: QueueFigures
    risks: tuple[DeadlineRisk, ...]


@dataclass(frozen=True)
class Health:
    """The verdict: the daemon's state, what waits, and what is wrong (``problems``) or needs a person."""

    checked_at: datetime
    daemon: str  # running | hung | gone | stopped | never started
    beat: Beat | None
    queue: QueueFigures
    oldest_unsent_age: timedelta | None
    risks: tuple[DeadlineRisk, ...]
    problems: tuple[str, ...]
    attention: tuple[str, ...]

    @property
    def alive(self) -> bool:
        """The daemon's process exists and its heartbeat is fresh."""
        return self.daemon == "running"

    def exit_code(self, strict: bool = False) -> int:
        """0 when healthy; 1 when not, or with ``strict`` when something needs a person."""
        return UNHEALTHY if self.problems or (strict and self.attention) else HEALTHY


def gather(store: Store, rules: Rules, now: datetime) -> Facts:
    """Read the facts from the database and the process table."""
    beat = store.heartbeat()
    running = None
    if beat is not None and beat.host == socket.gethostname():
        running = pid_exists(beat.pid)
    active = [case for status in sorted(ACTIVE) for case in store.cases(status)]
    risks = deadlines_at_risk(active, now, WorkCalendar(rules.calendar), rules.policy)
    return Facts(beat, running, store.queue_figures(now - RECENT), tuple(risks))


def pid_exists(pid: int) -> bool:
    """Whether a process with this id exists (owned by anyone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists; it belongs to another user (the service account)
    return True


def assess(facts: Facts, now: datetime, stale_after: timedelta = STALE_AFTER) -> Health:
    """Judge the facts at ``now``: a daemon silent or in trouble for ``stale_after`` is unhealthy."""
    beat, queue = facts.beat, facts.queue
    problems: list[str] = []
    if beat is None:
        daemon = "never started"
        problems.append("no daemon has run on this database (`mailbot run`)")
    elif beat.stopped_at is not None:
        daemon = "stopped"
        how = f" ({beat.last_error})" if beat.last_error and beat.last_error_at == beat.stopped_at else ""
        problems.append(f"the daemon stopped {ago(now - beat.stopped_at)}{how}")
    elif facts.pid_running is False:
        daemon = "gone"
        problems.append(f"the daemon (pid {beat.pid}) is gone without stopping: killed, or the machine restarted")
    elif now - beat.beat_at > stale_after:
        daemon = "hung"
        problems.append(f"no heartbeat for {span_text(now - beat.beat_at)}: the daemon (pid {beat.pid}) hangs")
    else:
        daemon = "running"
        if beat.trouble_since is not None and now - beat.trouble_since > stale_after:
            problems.append(f"in trouble for {span_text(now - beat.trouble_since)}: {beat.last_error}")
    age = now - queue.oldest_unsent_due if queue.oldest_unsent_due and queue.oldest_unsent_due < now else None
    if age is not None and age > SEND_LATE:
        problems.append(f"{queue.unsent} mail(s) unsent, the oldest due for {span_text(age)}")
    attention = []
    if queue.parked:
        attention.append(f"{queue.parked} mail(s) parked after permanent failures")
    if queue.refused:
        attention.append(f"{queue.refused} recipient(s) refused by the mail server (the others got the mail)")
    if queue.failed_timers:
        attention.append(f"{queue.failed_timers} timer(s) failed and were set aside")
    if queue.quarantined_recent:
        attention.append(f"{queue.quarantined_recent} mail(s) quarantined in the last {RECENT_HOURS} h")
    passed = sum(r.passed for r in facts.risks)
    if passed:
        attention.append(f"{passed} deadline(s) passed unmet")
    if len(facts.risks) > passed:
        attention.append(f"{len(facts.risks) - passed} deadline(s) due within the reminder window")
    return Health(now, daemon, beat, queue, age, facts.risks, tuple(problems), tuple(attention))


def health_dict(health: Health) -> dict[str, Any]:
    """The verdict as JSON-ready data: moments in ISO 8601 (UTC), ages in seconds."""
    queue = health.queue
    return {
        "healthy": not health.problems,
        "checked_at": iso(health.checked_at),
        "problems": list(health.problems),
        "attention": list(health.attention),
        "daemon": _daemon_dict(health),
        "outbox": _outbox_dict(health),
        "failed_timers": queue.failed_timers,
        "quarantine": {"total": queue.quarantined, "recent": queue.quarantined_recent, "recent_hours": RECENT_HOURS},
        "deadlines_at_risk": [
            {
                "ref": r.ref,
                "deadline": DEADLINE_WORDS[r.deadline],
                "due": iso(r.due),
                "passed": r.passed,
                "team": r.team,
            }
            for r in health.risks
        ],
    }


def _daemon_dict(health: Health) -> dict[str, Any]:
    """The daemon's part of ``health_dict``: its state and its last heartbeat."""
    beat = health.beat
    return {
        "state": health.daemon,
        "alive": health.alive,
        "pid": beat.pid if beat else None,
        "host": beat.host if beat else None,
        "started_at": iso_or_none(beat.started_at if beat else None),
        "heartbeat_at": iso_or_none(beat.beat_at if beat else None),
        "heartbeat_age_seconds": _seconds(health.checked_at - beat.beat_at) if beat else None,
        "last_sync_at": iso_or_none(beat.last_sync_at if beat else None),
        "last_error": beat.last_error if beat else None,
        "last_error_at": iso_or_none(beat.last_error_at if beat else None),
        "trouble_since": iso_or_none(beat.trouble_since if beat else None),
        "stopped_at": iso_or_none(beat.stopped_at if beat else None),
    }


def _outbox_dict(health: Health) -> dict[str, Any]:
    """The outbox's part of ``health_dict``: what waits, what is parked and why."""
    queue = health.queue
    return {
        "unsent": queue.unsent,
        "oldest_unsent_due": iso_or_none(queue.oldest_unsent_due),
        "oldest_unsent_age_seconds": _seconds(health.oldest_unsent_age) if health.oldest_unsent_age else None,
        "parked": queue.parked,
        "refused_recipients": queue.refused,
        "in_doubt": queue.in_doubt,
        "parked_items": [
            {"case": p.case_ref, "kind": p.kind, "recipient": p.recipient, "reason": p.reason}
            for p in queue.parked_items
        ],
    }


def render(health: Health, zone: ZoneInfo) -> str:
    """The verdict for a person: a few aligned lines, times in the organisation's zone."""
    beat, queue, now = health.beat, health.queue, health.checked_at

    def local(moment: datetime) -> str:
        return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")

    lines = [f"mailbot: {'healthy' if not health.problems else 'UNHEALTHY'}"]
    if beat is None:
        lines.append("daemon      never started")
    else:
        lines.append(
            f"daemon      {health.daemon}, pid {beat.pid} on {beat.host}, started {local(beat.started_at)}, "
            f"last heartbeat {ago(now - beat.beat_at)}"
        )
        synced = f"{local(beat.last_sync_at)} ({ago(now - beat.last_sync_at)})" if beat.last_sync_at else "never"
        lines.append(f"last sync   {synced}")
        if beat.last_error and beat.last_error_at:
            lines.append(f"last error  {local(beat.last_error_at)}: {beat.last_error}")
    oldest = ""
    if queue.oldest_unsent_due is not None:
        due = local(queue.oldest_unsent_due)
        oldest = (
            f", the oldest due since {due} ({span_text(health.oldest_unsent_age)})" if health.oldest_unsent_age else ""
        )
        oldest = oldest or f", the first due at {due}"
    doubt = f"; {queue.in_doubt} in doubt after a crash" if queue.in_doubt else ""
    lines.append(f"outbox      {queue.unsent} unsent{oldest}; {queue.parked} parked{doubt}")
    for item in queue.parked_items:
        lines.append(f"  {item.case_ref or '-':<14} {item.kind:<20} {item.recipient}: {item.reason[:100]}")
    lines.append(f"quarantine  {queue.quarantined} in all, {queue.quarantined_recent} in the last {RECENT_HOURS} h")
    lines.append(f"deadlines   {len(health.risks)} at risk")
    for r in health.risks:
        state = "PASSED" if r.passed else "soon"
        lines.append(f"  {r.ref:<14} {DEADLINE_WORDS[r.deadline]:<15} due {local(r.due)}  {state:<6} {r.team or ''}")
    for title, items in (("problems", health.problems), ("needs attention", health.attention)):
        if items:
            lines.append(f"{title}:")
            lines.extend(f"  - {item}" for item in items)
    return "\n".join(line.rstrip() for line in lines) + "\n"


def ago(delta: timedelta) -> str:
    """``12 min ago``."""
    return f"{span_text(delta)} ago"


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())
