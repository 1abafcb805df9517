"""`mailbot status`: the heartbeat it reads, the verdict it computes, what it prints and exits with."""

from __future__ import annotations

import json
import os
import socket
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import REPO, run_mailbot

from mailbot.cases.timers import deadlines_at_risk
from mailbot.clock import FrozenClock, span_text
from mailbot.config import load_rules
from mailbot.demo import compose_mail
from mailbot.models import Address, Case, Category, Level, SubjectType
from mailbot.ops.heartbeat import Heartbeat, safe_error
from mailbot.ops.progress import LineProgress, progress_line
from mailbot.ops.sdnotify import notify, watchdog_seconds
from mailbot.ops.status import CONFIG_ERROR, HEALTHY, UNHEALTHY, Facts, assess, gather, health_dict, render
from mailbot.store import Beat, ParkedItem, QueueFigures, Store
from mailbot.workdays import WorkCalendar

NOW = datetime(2026, 11, 4, 10, 0, tzinfo=UTC)  # a Wednesday
RULES = load_rules(REPO / "rules.yaml")
EMPTY = QueueFigures(0, None, 0, 0, 0)


def beat(**changes: object) -> Beat:
    fresh = Beat(
        4711,
        "host",
        NOW - timedelta(hours=2),
        NOW - timedelta(seconds=20),
        NOW - timedelta(minutes=3),
        None,
        None,
        None,
        None,
    )
    return replace(fresh, **changes)  # type: ignore[arg-type]


def facts(b: Beat | None = None, running: bool | None = True, queue: QueueFigures = EMPTY, risks=()) -> Facts:
    return Facts(b, running, queue, tuple(risks))


def case(ref: str = "KL-2026-0001", status: str = "open", **changes: object) -> Case:
    base = Case(
        id=1,
        ref=ref,
        category=Category.COMPLAINT,
        level=Level.FIRST_LINE,
        urgent=False,
        subject_type=SubjectType.SERVICE,
        status=status,
        customer=Address("klant@example.net", "Klant"),
        subject="Klacht",
        owner_team="klantenservice",
        owner_email=None,
        received_at=NOW - timedelta(days=1),
        ack_due=NOW + timedelta(days=10),
        ack_sent_at=NOW - timedelta(hours=20),
        solution_due=NOW + timedelta(days=10),
        answered=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# --- the verdict -------------------------------------------------------------------------------


def test_a_fresh_heartbeat_of_a_live_pid_is_healthy() -> None:
    health = assess(facts(beat()), NOW)
    assert health.daemon == "running" and health.alive
    assert health.problems == () and health.exit_code() == HEALTHY


@pytest.mark.parametrize(
    ("the_beat", "running", "state", "words"),
    [
        (None, None, "never started", "no daemon has run"),
        (beat(stopped_at=NOW - timedelta(minutes=5)), False, "stopped", "stopped 5 min ago"),
        (beat(), False, "gone", "pid 4711) is gone"),
        (beat(beat_at=NOW - timedelta(minutes=11)), True, "hung", "no heartbeat for 11 min"),
        # On another host the pid cannot be checked; the heartbeat's age still tells.
        (beat(beat_at=NOW - timedelta(minutes=11)), None, "hung", "no heartbeat for 11 min"),
    ],
)
def test_a_daemon_that_is_not_alive_is_unhealthy(the_beat, running, state, words) -> None:
    health = assess(facts(the_beat, running), NOW)
    assert health.daemon == state and not health.alive
    assert health.exit_code() == UNHEALTHY
    assert any(words in p for p in health.problems), health.problems


def test_a_crash_is_named_by_its_type_when_the_daemon_stopped_with_it() -> None:
    at = NOW - timedelta(minutes=1)
    health = assess(facts(beat(stopped_at=at, last_error="stopped by KeyError", last_error_at=at), False), NOW)
    assert health.problems == ("the daemon stopped 1 min ago (stopped by KeyError)",)


def test_trouble_counts_only_when_it_lasts() -> None:
    error = "ConnectionRefusedError: [Errno 111] Connection refused"
    brief = beat(last_error=error, last_error_at=NOW, trouble_since=NOW - timedelta(minutes=2))
    assert assess(facts(brief), NOW).problems == ()
    lasting = replace(brief, trouble_since=NOW - timedelta(minutes=25))
    assert assess(facts(lasting), NOW).problems == (f"in trouble for 25 min: {error}",)
    assert assess(facts(lasting), NOW, stale_after=timedelta(hours=1)).problems == ()


def test_unsent_mail_is_a_problem_only_when_stuck_for_an_hour() -> None:
    waiting = QueueFigures(3, NOW - timedelta(minutes=20), 0, 0, 0)
    health = assess(facts(beat(), queue=waiting), NOW)
    assert health.problems == () and health.oldest_unsent_age == timedelta(minutes=20)
    stuck = replace(waiting, oldest_unsent_due=NOW - timedelta(hours=2, minutes=5))
    assert assess(facts(beat(), queue=stuck), NOW).problems == ("3 mail(s) unsent, the oldest due for 2 h 5 min",)
    later = replace(waiting, oldest_unsent_due=NOW + timedelta(hours=8))  # held for the sending hours
    assert assess(facts(beat(), queue=later), NOW).oldest_unsent_age is None


def test_what_needs_a_person_fails_only_with_strict() -> None:
    queue = QueueFigures(0, None, 2, 9, 1)
    risks = deadlines_at_risk(
        [
            case(ack_sent_at=None, ack_due=NOW - timedelta(hours=1)),
            case("KL-2026-0002", solution_due=NOW + timedelta(days=1)),
        ],
        NOW,
        WorkCalendar(RULES.calendar),
        RULES.policy,
    )
    health = assess(facts(beat(), queue=queue, risks=risks), NOW)
    assert health.problems == ()
    assert health.attention == (
        "2 mail(s) parked after permanent failures",
        "1 mail(s) quarantined in the last 24 h",
        "1 deadline(s) passed unmet",
        "1 deadline(s) due within the reminder window",
    )
    assert health.exit_code() == HEALTHY and health.exit_code(strict=True) == UNHEALTHY


# --- deadlines at risk: the timers' own notion of an unmet deadline ------------------------------


def test_deadlines_at_risk_follow_the_reminder_window_and_what_is_met() -> None:
    calendar = WorkCalendar(RULES.calendar)
    friday = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)
    cases = [
        case("KL-1", solution_due=friday),  # reminder 2 working days before: Wednesday at opening
        case("KL-2", solution_due=friday + timedelta(days=7)),  # not yet
        case("KL-3", ack_sent_at=None, ack_due=NOW - timedelta(minutes=1)),  # acknowledgement late
        case("KL-4", ack_sent_at=None, ack_due=NOW - timedelta(days=1), status="solved"),  # no longer owed
        case("KL-5", status="closed", solution_due=NOW - timedelta(days=3)),
        case("KL-6", category=Category.COMPLIMENT, ack_due=None, solution_due=None),
    ]
    risks = deadlines_at_risk(cases, NOW, calendar, RULES.policy)
    assert [(r.ref, r.deadline, r.passed) for r in risks] == [("KL-3", "ack", True), ("KL-1", "solution", False)]
    tuesday = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert [r.ref for r in deadlines_at_risk(cases[:1], tuesday, calendar, RULES.policy)] == []


# --- output ----------------------------------------------------------------------------------------


def test_json_and_text_carry_the_same_verdict() -> None:
    parked = ParkedItem("KL-2026-0001", "ack", "weg@example.net", "550 5.1.1 no such user")
    queue = QueueFigures(2, NOW - timedelta(minutes=90), 1, 4, 0, refused=1, in_doubt=1, parked_items=(parked,))
    risks = deadlines_at_risk(
        [case(solution_due=NOW - timedelta(hours=1))], NOW, WorkCalendar(RULES.calendar), RULES.policy
    )
    health = assess(facts(beat(), queue=queue, risks=risks), NOW)
    data = health_dict(health)
    assert json.loads(json.dumps(data)) == data
    assert data["healthy"] is False and data["daemon"]["alive"] is True and data["daemon"]["pid"] == 4711
    assert data["daemon"]["heartbeat_age_seconds"] == 20
    assert data["outbox"] == {
        "unsent": 2,
        "oldest_unsent_due": "2026-11-04T08:30:00+00:00",
        "oldest_unsent_age_seconds": 5400,
        "parked": 1,
        "refused_recipients": 1,
        "in_doubt": 1,
        "parked_items": [
            {"case": "KL-2026-0001", "kind": "ack", "recipient": "weg@example.net", "reason": "550 5.1.1 no such user"}
        ],
    }
    assert "1 recipient(s) refused by the mail server (the others got the mail)" in data["attention"]
    assert data["quarantine"] == {"total": 4, "recent": 0, "recent_hours": 24}
    assert data["deadlines_at_risk"] == [
        {
            "ref": "KL-2026-0001",
            "deadline": "solution",
            "due": "2026-11-04T09:00:00+00:00",
            "passed": True,
            "team": "klantenservice",
        }
    ]
    text = render(health, WorkCalendar(RULES.calendar).zone)
    assert text.startswith("mailbot: UNHEALTHY\n")
    assert "daemon      running, pid 4711 on host, started 2026-11-04 09:00:00, last heartbeat 20 s ago" in text
    assert "outbox      2 unsent, the oldest due since 2026-11-04 09:30:00 (1 h 30 min); 1 parked; 1 in doubt" in text
    assert "KL-2026-0001   ack                  weg@example.net: 550 5.1.1 no such user" in text
    assert "KL-2026-0001   solution        due 2026-11-04 10:00:00  PASSED klantenservice" in text
    assert "problems:\n  - 2 mail(s) unsent, the oldest due for 1 h 30 min\n" in text


def test_durations_read_well() -> None:
    assert [span_text(timedelta(seconds=s)) for s in (0, 59.6, 60, 125, 3600 * 3 + 300, 86400 * 2 + 3600 * 4)] == [
        "0 s",
        "1 min",
        "1 min",
        "2 min 5 s",
        "3 h 5 min",
        "2 d 4 h",
    ]


# --- the heartbeat ---------------------------------------------------------------------------------


def test_heartbeat_records_start_sync_trouble_and_stop_without_secrets() -> None:
    store, clock = Store(":memory:"), FrozenClock(NOW)
    heartbeat = Heartbeat(store, clock, secrets=("Geheim123", "klacht@example.nl"), environ={})
    heartbeat.synced()
    assert store.heartbeat() is None  # nothing before start(): `run --once` leaves the record alone
    heartbeat.start()
    first = store.heartbeat()
    assert first is not None and first.pid == os.getpid() and first.host == socket.gethostname()
    assert (first.started_at, first.beat_at, first.last_sync_at, first.stopped_at) == (NOW, NOW, None, None)

    clock.advance(timedelta(minutes=1))
    heartbeat.trouble(ConnectionRefusedError("LOGIN klacht@example.nl Geheim123 refused for klant@example.net"))
    clock.advance(timedelta(minutes=1))
    heartbeat.trouble(TimeoutError("timed out"))
    troubled = store.heartbeat()
    assert troubled is not None
    assert troubled.trouble_since == NOW + timedelta(minutes=1)  # the first failure, not the last
    assert troubled.last_error == "TimeoutError: timed out"
    clock.advance(timedelta(minutes=1))
    heartbeat.synced()
    synced = store.heartbeat()
    assert synced is not None and synced.last_sync_at == NOW + timedelta(minutes=3) and synced.trouble_since is None

    clock.advance(timedelta(minutes=1))
    heartbeat.stopped(KeyError("klant@example.net"))
    heartbeat.stopped()  # the finally after the except: once is enough
    stopped = store.heartbeat()
    assert stopped is not None and stopped.stopped_at == NOW + timedelta(minutes=4)
    assert stopped.last_error == "stopped by KeyError"


def test_an_error_text_keeps_no_secret_and_no_address() -> None:
    text = safe_error(
        ConnectionRefusedError("LOGIN klacht@example.nl Geheim123 refused;\n <klant@example.net> unknown"),
        ("Geheim123", "klacht@example.nl"),
    )
    assert text == "ConnectionRefusedError: LOGIN *** *** refused; <<address>> unknown"
    assert len(safe_error(OSError("x" * 5000))) == 300


def test_heartbeat_writes_at_most_once_per_interval() -> None:
    store, clock = Store(":memory:"), FrozenClock(NOW)
    heartbeat = Heartbeat(store, clock, environ={})
    heartbeat.start()
    writes = []
    store.db.conn.set_trace_callback(lambda sql: writes.append(sql) if "heartbeat" in sql else None)
    for _ in range(10_000):  # an IDLE slice or a message each
        clock.advance(timedelta(seconds=1))
        heartbeat.alive()
    assert writes == []  # the interval (30 s) has not passed on the real, monotonic clock
    heartbeat.interval = 0
    heartbeat.alive()
    assert len(writes) == 1 and store.heartbeat().beat_at == clock.now()  # type: ignore[union-attr]


# --- sd_notify, against a real datagram socket -------------------------------------------------


def test_notify_sends_one_datagram_to_a_path_or_an_abstract_socket() -> None:
    folder = Path(tempfile.mkdtemp(prefix="sd", dir="/tmp"))
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind(str(folder / "notify"))
        listener.settimeout(5)
        assert notify("READY=1", "STATUS=klaar", environ={"NOTIFY_SOCKET": str(folder / "notify")})
        assert listener.recv(4096) == b"READY=1\nSTATUS=klaar"
    (folder / "notify").unlink()
    folder.rmdir()
    name = f"mailbot-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as listener:
        listener.bind("\0" + name)
        listener.settimeout(5)
        assert notify("WATCHDOG=1", environ={"NOTIFY_SOCKET": "@" + name})
        assert listener.recv(4096) == b"WATCHDOG=1"
    assert not notify("READY=1", environ={})  # not under systemd: nothing, and no error
    assert not notify("READY=1", environ={"NOTIFY_SOCKET": "/nonexistent/notify"})


def test_the_watchdog_interval_comes_from_systemd_and_only_for_this_process() -> None:
    env = {"NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "600000000"}
    assert watchdog_seconds(env) == 600.0
    assert watchdog_seconds({**env, "WATCHDOG_PID": str(os.getpid())}) == 600.0
    assert watchdog_seconds({**env, "WATCHDOG_PID": "1"}) is None
    assert watchdog_seconds({"WATCHDOG_USEC": "600000000"}) is None
    heartbeat = Heartbeat(Store(":memory:"), FrozenClock(NOW), environ={**env, "WATCHDOG_USEC": "20000000"})
    assert heartbeat.interval == 10.0  # half the watchdog's, below the usual 30 s


# --- plain progress lines ----------------------------------------------------------------------


def test_plain_progress_prints_every_hundred_messages_or_five_seconds_and_at_the_end(tmp_path: Path) -> None:
    now = [0.0]
    out = tmp_path / "progress.txt"
    with out.open("w") as stream:
        progress = LineProgress(stream, clock=lambda: now[0])
        progress.start(250)
        for i in range(250):
            now[0] += 0.01 if i != 149 else 6.0  # one slow message
            progress.advance()
        progress.finish()
        progress.finish()
    lines = out.read_text().splitlines()
    assert [line.split()[1] for line in lines] == ["100/250", "150/250", "200/250", "250/250"]
    assert lines[-1].startswith("mailbot: 250/250 messages (100%), ") and ", done in 8 s" in lines[-1]


def test_progress_line_says_rate_and_time_left() -> None:
    assert progress_line(1200, 5000, 60.0) == "mailbot: 1200/5000 messages (24%), 20.0/s, about 3 min 10 s left"
    assert progress_line(0, 10, 0.0) == "mailbot: 0/10 messages (0%), 0.0/s"


# --- against a real database and the real `mailbot status` ------------------------------------


@pytest.mark.integration
def test_status_reads_what_a_real_pipeline_left(bot) -> None:
    from mailbot.intake.pipeline import Source

    daemon = bot.daemon()
    store = daemon.store
    try:
        daemon.services.pipeline.handle(
            compose_mail("k@example.net", "beveiliging@example.nl", "Klacht", "Kapot."), Source("INBOX")
        )
        daemon.services.pipeline.handle(b"Subject: groot\r\n\r\n", Source("INBOX"), header_only_of=10**9)  # quarantined
        start = bot.clock.now()
        figures = gather(store, bot.rules, start)
        assert figures.queue.unsent == 3  # acknowledgement, team notification, quarantine notice
        assert figures.queue.oldest_unsent_due == start and figures.queue.quarantined_recent == 1
        assert figures.beat is None and figures.risks == ()
        parked = store.outbox()[0].id
        store.mark_parked(parked, "550 no such user")
        later = start + timedelta(days=2)
        figures = gather(store, bot.rules, later)
        assert (figures.queue.unsent, figures.queue.parked, figures.queue.quarantined_recent) == (2, 1, 0)
        (ack,) = figures.risks  # never acknowledged: its deadline (3 working days) is within 2 of them
        assert ack.deadline == "ack" and not ack.passed
        health = assess(figures, later)
        assert "2 mail(s) unsent, the oldest due for 2 d 0 h" in health.problems
    finally:
        store.close()


def test_status_command_exit_codes(tmp_path: Path) -> None:
    db = tmp_path / "mailbot.db"
    env = {**os.environ, "MAILBOT_DB": str(db), "MAILBOT_RULES": str(REPO / "rules.yaml")}
    missing = run_mailbot("status", env=env)
    assert missing.returncode == CONFIG_ERROR and "no database" in missing.stderr
    assert not db.exists()  # status never creates one
    store = Store(db)
    store.record_start(os.getpid(), socket.gethostname(), datetime.now(UTC))  # this test's process lives
    store.close()
    healthy = run_mailbot("status", "--json", env=env)
    assert healthy.returncode == HEALTHY, healthy.stdout + healthy.stderr
    data = json.loads(healthy.stdout)
    assert data["healthy"] is True and data["daemon"]["state"] == "running" and data["daemon"]["pid"] == os.getpid()
    text = run_mailbot("status", env=env)
    assert text.returncode == HEALTHY and text.stdout.startswith("mailbot: healthy\n")
    store = Store(db)
    store.record_stop(datetime.now(UTC), None)
    store.close()
    stopped = run_mailbot("status", env=env)
    assert stopped.returncode == UNHEALTHY and "the daemon stopped" in stopped.stdout
    broken = run_mailbot("status", env={**env, "MAILBOT_RULES": str(tmp_path / "absent.yaml")})
    assert broken.returncode == CONFIG_ERROR
