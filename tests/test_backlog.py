"""A backlog answered calmly (issue 9, item 3): interim updates counted from the last mail, one summary of
passed deadlines per pass, the first start's backfill, and what `run --once` says before it sends."""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.policy import default
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from attacks import from_our_server
from conftest import REPO, START, Bot, rules_copy, run_mailbot

from mailbot.cases.timers import interim_update_moment
from mailbot.clock import FrozenClock, iso
from mailbot.config import BackfillRules, Span, load_rules
from mailbot.demo import compose_mail
from mailbot.intake.backlog import Backfill, BackfillPlan, Outlook, make_plan, outlook, outlook_line
from mailbot.intake.pipeline import Source
from mailbot.models import OutboxRecord
from mailbot.ops.wiring import Services, build_services
from mailbot.store import Store

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST_LINE = "beveiliging@example.nl"
BOT = "klacht@example.nl"
COORDINATOR = "coordinator@example.nl"
THREE_WEEKS = timedelta(days=21)
SUMMARY = "Overzicht van verlopen termijnen"
LIST = "Oude e-mails geregistreerd zonder bericht aan de klant"


def mail_of(
    customer: str,
    arrived: datetime,
    subject: str = "Klacht",
    text: str = "Ik ben ontevreden: het alarm werkt al weken niet en de monteur is niet gekomen.",
) -> bytes:
    """A customer's complaint written at ``arrived`` (its Date header says so too)."""
    msg = email.message_from_bytes(compose_mail(customer, FIRST_LINE, subject, text), policy=default)
    msg.replace_header("Date", format_datetime(arrived))
    return msg.as_bytes()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    rules = load_rules(REPO / "rules.yaml")
    store = Store(tmp_path / "data" / "mailbot.db")
    yield build_services(
        rules, store, FrozenClock(datetime.fromisoformat(START)), rules.template_dir, tmp_path / "data"
    )
    store.close()


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def outbox(services: Services) -> list[OutboxRecord]:
    return services.store.outbox()


def kinds_to(services: Services, address: str) -> list[str]:
    return [row.kind for row in outbox(services) if address in row.recipients]


def receive(services: Services, raw: bytes, arrived: datetime, quiet: bool = False):
    handled = services.pipeline.handle(raw, Source("INBOX"), arrived, quiet=quiet)
    assert handled.entry.outcome == "case", handled.entry
    return services.store.case(handled.entry.case_id)


def pending_timers(services: Services, case_id: int) -> list[tuple[str, str]]:
    return [(t.kind, iso(t.due_at)) for t in services.store.timers(case_id) if t.status == "pending"]


# --- interim updates count from the last mail the customer got ------------------------------------


def test_interim_update_moment_moves_only_within_the_span_after_the_last_mail() -> None:
    span = Span(5, "working_days")

    def morning_after(start: datetime, s: Span) -> datetime:
        assert s == span
        return start + timedelta(days=7)

    now = at("2026-11-09T08:30:00+01:00")
    assert interim_update_moment(morning_after, None, span, now) is None
    assert interim_update_moment(morning_after, now - timedelta(days=7), span, now) is None
    last = now - timedelta(days=2)
    assert interim_update_moment(morning_after, last, span, now) == last + timedelta(days=7)


def test_the_first_interim_update_counts_from_the_acknowledgement_not_from_arrival(services: Services) -> None:
    # Arrived a week before mailbot read it (Monday 26 October); read Monday 2 November, 09:00.
    case = receive(
        services, mail_of("week@example.net", at("2026-10-26T09:00:00+01:00")), at("2026-10-26T09:00:00+01:00")
    )
    assert case.solution_due == at("2026-11-09T17:00:00+01:00")
    now = services.clock.now()
    services.timers.run_due(now)
    # Counted from arrival the update was due this very morning: now it waits five working days
    # after the acknowledgement, still before the solution deadline.
    assert kinds_to(services, "week@example.net") == ["ack"]
    interim = [due for kind, due in pending_timers(services, case.id) if kind == "interim-update"]
    assert interim == [iso(at("2026-11-09T08:30:00+01:00"))]


def test_an_acknowledgement_held_back_by_the_window_moves_the_first_interim_update(services: Services) -> None:
    # Two complaints of one customer in one pass: the second acknowledgement waits an hour (the
    # one-reply-per-hour window), and that case's first update counts from that later moment.
    customer = "twee@example.net"
    first = receive(
        services, mail_of(customer, at("2026-10-30T16:00:00+01:00"), "Eerste"), at("2026-10-30T16:00:00+01:00")
    )
    services.clock.advance(timedelta(minutes=1))
    second = receive(
        services, mail_of(customer, at("2026-10-30T16:05:00+01:00"), "Tweede"), at("2026-10-30T16:05:00+01:00")
    )
    acks = [row for row in outbox(services) if row.kind == "ack"]
    assert [row.case_id for row in acks] == [first.id, second.id]
    assert acks[1].not_before == acks[0].not_before + timedelta(minutes=60)
    # Counted from arrival, the updates were due on Friday 6 November; counted from each
    # acknowledgement (09.00 and 10.00 uur on Monday) they are due the Monday after, at opening time.
    for case in (first, second):
        (due,) = [d for kind, d in pending_timers(services, case.id) if kind == "interim-update"]
        assert at(due) == at("2026-11-09T08:30:00+01:00")


def test_a_due_interim_update_moves_to_the_span_after_the_last_mail_the_customer_got(services: Services) -> None:
    customer = "henk@example.net"
    case = receive(services, mail_of(customer, services.clock.now()), services.clock.now())
    ((_kind, due),) = [(k, d) for k, d in pending_timers(services, case.id) if k == "interim-update"]
    assert at(due) == at("2026-11-09T08:30:00+01:00")  # five working days after Monday 2 November
    ack = next(row for row in outbox(services) if row.kind == "ack")

    # Thursday: the owner answers the customer from their own mail client, with the bot in Cc.
    services.clock.set(at("2026-11-05T10:00:00+01:00"))
    reply = compose_mail(
        "medewerker1@example.nl",
        customer,
        "RE: Klacht",
        "Geachte heer, wij komen maandag langs.",
        in_reply_to=ack.message_id,
        cc=BOT,
    )
    services.pipeline.handle(from_our_server(services.rules, reply), Source("INBOX"), services.clock.now())

    # Monday 9 November: the update is not sent, but moved to five working days after Thursday.
    services.clock.set(at("2026-11-09T08:30:00+01:00"))
    services.timers.run_due(services.clock.now())
    assert kinds_to(services, customer) == ["ack"]
    moved = [d for k, d in pending_timers(services, case.id) if k == "interim-update"]
    assert moved == [iso(at("2026-11-12T08:30:00+01:00"))]
    assert any(e.kind == "interim-update-moved" for e in services.store.events(case.id))

    # Thursday 12 November: five working days since the last mail, so it goes.
    services.clock.set(at("2026-11-12T08:30:00+01:00"))
    services.timers.run_due(services.clock.now())
    assert kinds_to(services, customer) == ["ack", "interim-update"]


# --- deadlines that passed before mailbot saw the mail --------------------------------------------


def test_deadlines_passed_before_the_mail_was_seen_give_one_summary_and_no_reminders(services: Services) -> None:
    now = services.clock.now()
    customers = [f"oud{i}@example.net" for i in range(5)]
    cases = [receive(services, mail_of(c, now - THREE_WEEKS), now - THREE_WEEKS) for c in customers]
    fresh = receive(services, mail_of("nieuw@example.net", now), now)
    assert all(c.ack_due < now and c.solution_due < now for c in cases)

    fired = services.timers.run_due(now)

    assert fired == 2 * len(cases)  # both deadlines of each old case, gathered
    for customer in customers:
        assert kinds_to(services, customer) == ["ack"]
    summaries = [row for row in outbox(services) if row.kind == "deadline-late"]
    assert len(summaries) == 1 and summaries[0].recipients == (COORDINATOR,)
    assert str(len(cases)) in summaries[0].subject
    raw = services.store.db.execute("SELECT raw FROM outbox WHERE kind = 'deadline-late'").fetchone()[0]
    body = email.message_from_bytes(raw, policy=default).get_body(("plain",)).get_content()
    for case in cases:
        assert case.ref in body
    assert fresh.ref not in body
    assert "ontvangstbevestiging (donderdag 15 oktober 2026), oplossing (maandag 26 oktober 2026)" in body
    assert "De e-mail lag al in de mailbox voordat mailbot die kon lezen (5)" in body
    assert "terwijl mailbot niet draaide" not in body
    assert "Wat gebeurt er nu?" in body
    assert not [row for row in outbox(services) if row.kind in ("deadline-reminder", "deadline-passed")]
    for case in cases:
        assert pending_timers(services, case.id) == []  # no reminder, alert or update left to go off
        passed = [e.detail for e in services.store.events(case.id) if e.kind == "deadline-passed"]
        assert [d["deadline"] for d in passed] == ["ack", "solution"] and all(d["unseen"] for d in passed)
    assert {k for k, _ in pending_timers(services, fresh.id)} >= {"ack-reminder", "solution-passed", "interim-update"}

    # The next pass gathers nothing more: the summary went once.
    services.timers.run_due(now + timedelta(minutes=5))
    assert len([row for row in outbox(services) if row.kind == "deadline-late"]) == 1


def test_a_reminder_whose_time_passed_before_the_mail_was_seen_is_left_to_the_new_case_notice(
    services: Services,
) -> None:
    # Arrived Tuesday 20 October: the solution is due Tuesday 3 November, the day after mailbot
    # reads it; its reminder time (two working days before) has passed already.
    arrived = at("2026-10-20T09:00:00+02:00")
    case = receive(services, mail_of("bijna@example.net", arrived), arrived)
    now = services.clock.now()
    assert now < case.solution_due < now + timedelta(days=2)
    assert [k for k, _ in pending_timers(services, case.id) if k.startswith("solution")] == ["solution-passed"]
    services.timers.run_due(now)
    kinds = [row.kind for row in outbox(services)]
    assert "deadline-reminder" not in kinds and kinds.count("notify") == 1
    assert kinds.count("deadline-late") == 1  # the acknowledgement's term had passed: the summary


def test_while_the_daemon_was_down_no_reminder_goes_and_a_passed_deadline_joins_the_summary(
    services: Services,
) -> None:
    now = services.clock.now()
    away = receive(services, mail_of("vakantie@example.net", now), now)  # solution due Monday 16 November
    services.clock.advance(timedelta(days=1))
    punctual = receive(services, mail_of("optijd@example.net", services.clock.now()), services.clock.now())
    for case in (away, punctual):
        services.store.update_case(case.id, now, ack_sent_at=now)
    # The daemon was down from before both reminders (12 and 13 November) until just after the
    # second deadline (Tuesday 17 November, 17.00 uur): that alert is on time, the first is a day late.
    services.clock.set(at("2026-11-17T17:10:00+01:00"))
    services.timers.run_due(services.clock.now())
    kinds = [row.kind for row in outbox(services)]
    assert "deadline-reminder" not in kinds
    alerts = [row for row in outbox(services) if row.kind == "deadline-passed"]
    assert [row.case_id for row in alerts] == [punctual.id]
    (summary,) = [row for row in outbox(services) if row.kind == "deadline-late"]
    raw = services.store.db.execute("SELECT raw FROM outbox WHERE id = ?", [summary.id]).fetchone()[0]
    body = email.message_from_bytes(raw, policy=default).get_body(("plain",)).get_content()
    assert away.ref in body and punctual.ref not in body
    assert "De termijn verliep terwijl mailbot niet draaide (1)" in body and "voordat mailbot" not in body
    statuses = {t.kind: t.status for t in services.store.timers(away.id)}
    assert statuses["solution-reminder"] == "skipped" and statuses["solution-passed"] == "fired"
    passed = [e.detail for e in services.store.events(away.id) if e.kind == "deadline-passed"]
    assert passed == [{"deadline": "solution", "due": iso(away.solution_due), "unseen": False, "late": True}]


# --- the first start's backfill --------------------------------------------------------------------


def test_quiet_registration_mails_nobody_and_the_coordinator_gets_one_list(services: Services) -> None:
    now = services.clock.now()
    old = [
        receive(services, mail_of(f"stil{i}@example.net", now - THREE_WEEKS), now - THREE_WEEKS, quiet=True)
        for i in range(3)
    ]
    assert outbox(services) == []
    for case in old:
        assert case.status == "open" and case.ack_sent_at is None
        assert pending_timers(services, case.id) == [("backfill-registered", iso(now))]
        held = [e.detail["kind"] for e in services.store.events(case.id) if e.kind == "held-back"]
        assert held[:2] == ["ack", "notify"]

    services.timers.run_due(now)

    rows = outbox(services)
    assert [(r.kind, r.recipients) for r in rows] == [("backfill-registered", (COORDINATOR,))]
    body = (
        email.message_from_bytes(services.store.db.execute("SELECT raw FROM outbox").fetchone()[0], policy=default)
        .get_body(("plain",))
        .get_content()
    )
    for case in old:
        assert case.ref in body
    assert "ouder zijn dan 14 dagen" in body and "#sluiten" in body and BOT in body
    assert all(pending_timers(services, c.id) == [] for c in old)


def test_the_backfill_plan_applies_only_to_old_mail_of_the_first_start_and_outlives_a_restart(tmp_path: Path) -> None:
    now = at(START)
    register = BackfillRules(mode="register", older_than_days=14)
    assert make_plan(BackfillRules(), "INBOX", 7, [1, 2], now) is None  # mode answer
    assert make_plan(register, "INBOX", 7, [], now) is None  # nothing waiting
    store = Store(tmp_path / "mailbot.db")
    try:
        backfill = Backfill(store)
        backfill.begin(register, "INBOX", 7, [3, 4, 9], first_start=False, now=now)
        assert backfill.plan is None  # not a first start: everything is answered
        backfill.begin(register, "INBOX", 7, [3, 4, 9], first_start=True, now=now)
        plan = backfill.plan
        assert plan == BackfillPlan("INBOX", 7, 9, now - timedelta(days=14))
        old, young = now - timedelta(days=15), now - timedelta(days=13)
        assert backfill.quiet("INBOX", 7, 4, old)
        assert not backfill.quiet("INBOX", 7, 4, young)
        assert not backfill.quiet("INBOX", 7, 10, old)  # arrived after the first start looked
        assert not backfill.quiet("INBOX", 8, 4, old)  # another UIDVALIDITY: other messages
        # A crash halfway: the restarted daemon keeps the same plan, even with a later clock.
        again = Backfill(store)
        again.begin(register, "INBOX", 7, [5, 9, 12], first_start=True, now=now + timedelta(days=1))
        assert again.plan == plan
    finally:
        store.close()


def test_the_outlook_counts_what_each_waiting_mail_becomes() -> None:
    now = at(START)
    arrivals = {1: now - THREE_WEEKS, 2: now - timedelta(days=10), 3: now - timedelta(hours=1), 4: None}
    found = outlook(
        arrivals,
        lambda uid, arrived: arrived is not None and arrived < now - timedelta(days=14),
        lambda arrived: arrived + timedelta(days=3),
        now,
    )
    assert found == Outlook(waiting=4, registered=1, late=1)
    line = outlook_line(found, 14)
    assert line.startswith("mailbot: 4 mail(s) waiting; 1 older than 14 days are registered without mail")
    assert "3 are answered as usual; 1 of those arrived past their acknowledgement deadline" in line
    assert outlook_line(Outlook(2, 0, 0), 14) == "mailbot: 2 mail(s) waiting; 2 are answered as usual"


# --- over real Dovecot and SMTP --------------------------------------------------------------------


def deliver_old(bot: Bot, customers: list[str], arrived: datetime) -> None:
    for customer in customers:
        bot.dovecot.append(bot.user, mail_of(customer, arrived, f"Klacht van {customer}"), arrived=arrived)


def subjects(bot: Bot, user: str) -> list[str]:
    return [str(m["Subject"]) for m in bot.received(user)]


@pytest.mark.integration
def test_forty_mails_from_three_weeks_ago_one_run_one_mail_each_and_one_summary(bot: Bot) -> None:
    env = bot.environment()  # `mailbot run --once` as a process, on the real clock
    customers = [f"drieweken{i}@example.net" for i in range(40)]
    deliver_old(bot, customers, bot.clock.now() - THREE_WEEKS)

    result = run_mailbot("run", "--once", env=env, timeout=300)

    assert result.returncode == 0, result.stderr[-3000:]
    said = re.search(
        r"^mailbot: 40 mail\(s\) waiting; 40 are answered as usual; 40 of those arrived past", result.stderr, re.M
    )
    assert said, result.stderr[-3000:]
    assert result.stderr.index("mail(s) waiting") < result.stderr.index("messages (")  # said before handling
    for customer in customers:
        assert len(bot.received(customer)) == 1, customer  # the acknowledgement, nothing else
    coordinator = subjects(bot, COORDINATOR)
    summaries = [s for s in coordinator if SUMMARY in s]
    assert summaries == [f"{SUMMARY}: 40 dossiers"]
    everyone = [
        s for user in (COORDINATOR, "klantenservice@example.nl", "techniek@example.nl") for s in subjects(bot, user)
    ]
    assert not [s for s in everyone if "Termijn verlopen" in s or "Herinnering" in s]
    store = Store(bot.settings.db_path)
    try:
        assert len(store.cases()) == 40
        kinds = store.db.execute("SELECT kind, count(*) FROM outbox GROUP BY kind ORDER BY kind").fetchall()
        assert dict(kinds) == {"ack": 40, "deadline-late": 1, "notify": 40}
    finally:
        store.close()


@pytest.mark.integration
def test_first_start_in_register_mode_answers_new_mail_and_lists_old_mail(dovecot, smtp_sink, tmp_path: Path) -> None:
    rules = rules_copy(tmp_path, "    mode: answer\n", "    mode: register\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    env = bot.environment()
    now = bot.clock.now()
    old = [f"oud{i}@example.net" for i in range(6)]
    young = [f"jong{i}@example.net" for i in range(3)]
    deliver_old(bot, old, now - THREE_WEEKS)
    deliver_old(bot, young, now - timedelta(hours=2))

    result = run_mailbot("run", "--once", env=env, timeout=300)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "mailbot: 9 mail(s) waiting; 6 older than 14 days are registered without mail" in result.stderr
    assert "3 are answered as usual" in result.stderr
    for customer in old:
        assert bot.received(customer) == []
    for customer in young:
        assert len(bot.received(customer)) == 1
    lists = [m for m in bot.received(COORDINATOR) if LIST in str(m["Subject"])]
    assert len(lists) == 1 and str(lists[0]["Subject"]).endswith("6 dossiers")
    body = lists[0].get_body(("plain",)).get_content()
    store = Store(bot.settings.db_path)
    try:
        cases = store.cases()
        assert len(cases) == 9
        quiet = {c.ref for c in cases if c.customer.email in old}
        assert all(ref in body for ref in quiet)
        assert not any(c.ref in body for c in cases if c.customer.email in young)
        # Nothing of the quiet cases went to staff either: only the new ones were announced.
        notices = store.db.execute("SELECT count(*) FROM outbox WHERE kind = 'notify'").fetchone()[0]
        assert notices == len(young)
    finally:
        store.close()

    # A second run is no first start: mail that arrives now is answered whatever its age.
    deliver_old(bot, ["laat@example.net"], now - THREE_WEEKS)
    result = run_mailbot("run", "--once", env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    assert len(bot.received("laat@example.net")) == 1
    assert len([m for m in bot.received(COORDINATOR) if LIST in str(m["Subject"])]) == 1
    assert "mail(s) waiting" not in result.stderr  # an ordinary run says nothing extra
