"""Personal contact and progress (issue 12, item 7): the owner and the coordinator hear when nobody has
spoken to the customer; the interim update says what happened and what comes next; with nothing to
say the owner is asked first. The policy's pure parts, then the whole over real Dovecot and SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from attacks import staff_answer, vouched

from mailbot.cases.progress import after_last, ask_owner_first, contact_made, happened_since, span_nl
from mailbot.clock import iso
from mailbot.demo import compose_mail
from mailbot.models import EventRecord

ZONE = ZoneInfo("Europe/Amsterdam")
BOT = "klacht@example.nl"
CUSTOMER = "henk@example.net"
OWNER = "medewerker3@example.nl"
COORDINATOR = "coordinator@example.nl"


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


def event(kind: str, when: str, **detail: object) -> EventRecord:
    return EventRecord(1, moment(when), kind, "x", detail)


# --- the pure parts --------------------------------------------------------------------------------


def test_what_happened_is_told_in_plain_dutch_once_each_and_without_internal_steps() -> None:
    events = [
        event("staff-reply", "2026-11-02T10:00:00+01:00"),  # before the customer's last mail: not news
        event("set-status", "2026-11-03T10:00:00+01:00", status_to="waiting"),
        event("staff-reply", "2026-11-03T11:00:00+01:00"),
        event("personal-contact", "2026-11-03T11:00:00+01:00"),
        event("meeting", "2026-11-04T09:00:00+01:00", at=iso(moment("2026-11-10T14:00:00+01:00"))),
        event("assign", "2026-11-04T10:00:00+01:00"),
        event("propose-solution", "2026-11-05T10:00:00+01:00"),
        event("extend", "2026-11-05T11:00:00+01:00", solution_due=iso(moment("2026-11-30T17:00:00+01:00"))),
        event("escalate", "2026-11-06T10:00:00+01:00", level_to="formal"),
    ]
    assert happened_since(events, moment("2026-11-02T12:00:00+01:00"), ZONE) == [
        "Op dinsdag 3 november 2026 hebben wij persoonlijk contact met u gehad.",
        "Wij hebben met u een gesprek afgesproken op dinsdag 10 november 2026 om 14.00 uur.",
        "Op donderdag 5 november 2026 hebben wij u een oplossing voorgesteld.",
        "Wij hebben meer tijd genomen voor uw klacht: wij willen uw klacht uiterlijk maandag 30 november 2026"
        " hebben opgelost.",
        "Sinds vrijdag 6 november 2026 behandelen wij uw klacht als formele klacht.",
    ]
    internal_only = [event("set-status", "2026-11-03T10:00:00+01:00"), event("staff-note", "2026-11-03T11:00:00+01:00")]
    assert happened_since(internal_only, moment("2026-11-02T12:00:00+01:00"), ZONE) == []


def test_news_is_what_came_after_the_last_interim_update_in_the_log() -> None:
    update = event("interim-update", "2026-11-09T08:30:00+01:00")
    contact = event("contact", "2026-11-03T10:00:00+01:00")
    extension = event("extend", "2026-11-09T08:30:00+01:00")  # the same second as the update, after it
    assert after_last([contact], "interim-update") == [contact]
    assert after_last([contact, update, extension], "interim-update") == [extension]
    assert after_last([contact, update], "interim-update") == []


def test_the_owner_is_asked_first_only_with_nothing_to_say_only_once_and_only_with_time_to_ask() -> None:
    morning, due = moment("2026-11-10T08:30:00+01:00"), moment("2026-11-16T17:00:00+01:00")
    assert ask_owner_first([], False, morning, due)
    assert ask_owner_first([], False, morning, None)
    assert not ask_owner_first([], True, morning, due)  # the next morning: the standard update goes
    news = ["Op dinsdag 3 november 2026 hebben wij persoonlijk contact met u gehad."]
    assert not ask_owner_first(news, False, morning, due)
    # On the deadline's last day there is no morning left to wait for: the update goes now.
    assert not ask_owner_first([], False, moment("2026-11-17T08:30:00+01:00"), due)


def test_contact_counts_from_the_start_of_the_level() -> None:
    since = moment("2026-11-12T10:00:00+01:00")  # an escalation: contact before it does not count
    assert not contact_made([event("staff-reply", "2026-11-03T10:00:00+01:00")], since)
    assert contact_made([event("contact", "2026-11-13T10:00:00+01:00")], since)
    assert contact_made([event("meeting", "2026-11-12T10:00:00+01:00")], since)
    assert contact_made([event("registered", "2026-11-12T10:00:00+01:00", channel="telefonisch")], since)
    assert not contact_made([event("registered", "2026-11-12T10:00:00+01:00", channel="post")], since)


def test_spans_read_in_dutch() -> None:
    assert (span_nl(3, "working_days"), span_nl(1, "weeks"), span_nl(2, "days")) == (
        "3 werkdagen",
        "1 week",
        "2 dagen",
    )


def test_the_default_contact_term_comes_before_the_first_interim_update() -> None:
    from pathlib import Path

    from mailbot.config import PolicyRules, load_rules

    repo = Path(__file__).resolve().parent.parent
    for path in (repo / "rules.yaml", *sorted((repo / "examples").glob("*/rules.yaml"))):
        policy = load_rules(path).policy
        assert policy.contact_within.unit == policy.interim_update_after.unit == "working_days", path
        assert policy.contact_within.amount < policy.interim_update_after.amount, path
    assert PolicyRules().contact_within.amount == 3


# --- over real Dovecot and SMTP --------------------------------------------------------------------


def plain(message) -> str:
    return message.get_body(("plain",)).get_content()


def mails(bot, user: str, containing: str) -> list:
    return [m for m in bot.received(user) if containing in m["Subject"]]


def answer(bot, staff: str, notice, text: str) -> None:
    bot.deliver(staff_answer(staff, notice, text, [vouched(bot, staff)], to=bot.user))
    bot.run_once()


def complaint(bot):
    """A formal complaint received on Monday 2 November 2026 at 9.00 and acknowledged at once."""
    text = "Onze camera werkt al weken niet."
    bot.deliver(compose_mail(CUSTOMER, BOT, "Camera werkt niet", text, name="Henk Visser"))
    bot.run_once()
    (case,) = bot.store().cases()
    return case, mails(bot, "techniek@example.nl", case.ref)[-1]


@pytest.mark.integration
def test_no_contact_alerts_the_owner_and_the_coordinator_and_contact_is_recorded_by_reply(bot) -> None:
    case, _ = complaint(bot)
    # Three working days after the acknowledgement, at opening time, nobody has spoken to the customer.
    bot.clock.set(moment("2026-11-05T08:29:00+01:00"))
    bot.run_once()
    assert not mails(bot, COORDINATOR, "persoonlijk contact")
    bot.clock.set(moment("2026-11-05T08:31:00+01:00"))
    bot.run_once()
    alert = mails(bot, COORDINATOR, "Nog geen persoonlijk contact")
    assert len(alert) == 1 and mails(bot, "techniek@example.nl", "Nog geen persoonlijk contact")
    text = plain(alert[0])
    assert "wacht sinds maandag 2 november 2026 op persoonlijk contact" in text and "#contact" in text

    answer(bot, OWNER, alert[0], "#contact Klant gebeld; de monteur komt dinsdag.")
    store = bot.store()
    case = store.case(case.id)
    assert case.status == "in_progress" and case.contact_at == bot.clock.now().astimezone(UTC)
    note = [e for e in store.events(case.id) if e.kind == "contact"]
    assert note and note[0].detail["note"] == "Klant gebeld; de monteur komt dinsdag."
    assert "Persoonlijk contact vastgelegd" in plain(mails(bot, OWNER, "Uitgevoerd")[-1])

    # The interim update has something to say: the contact, and what comes next.
    bot.clock.set(moment("2026-11-09T09:00:00+01:00"))
    bot.run_once()
    (update,) = mails(bot, CUSTOMER, "Stand van zaken")
    body = plain(update)
    assert "Op donderdag 5 november 2026 hebben wij persoonlijk contact met u gehad." in body
    assert "Team Techniek behandelt uw klacht." in body and "maandag 16 november 2026" in body
    assert "in_progress" not in body and "in behandeling" not in body
    assert not mails(bot, "techniek@example.nl", "Wat kunnen wij de klant laten weten")


@pytest.mark.integration
def test_contact_before_the_check_means_no_alert(bot) -> None:
    case, notice = complaint(bot)
    bot.clock.advance(timedelta(hours=2))
    answer(bot, OWNER, notice, "#contact Klant gesproken aan de telefoon.")
    bot.clock.set(moment("2026-11-05T10:00:00+01:00"))
    bot.run_once()
    assert not mails(bot, COORDINATOR, "persoonlijk contact")
    timers = {t.kind: t.status for t in bot.store().timers(case.id)}
    assert timers["contact-check"] == "skipped"


@pytest.mark.integration
def test_a_complaint_taken_by_phone_had_its_contact_and_an_escalation_needs_its_own(bot) -> None:
    from test_channels import register

    register(bot, "#telefonisch kees@example.net Kees Jansen", "Belde om 9 uur.")
    bot.run_once()
    (case,) = bot.store().cases()
    bot.clock.set(moment("2026-11-06T10:00:00+01:00"))
    bot.run_once()
    assert not mails(bot, COORDINATOR, "persoonlijk contact")
    # The customer is not satisfied: the appeal is a new level, whose owner (the director) has not
    # spoken to the customer yet.
    notice = [m for m in bot.received("medewerker1@example.nl") if case.ref in m["Subject"]][-1]
    answer(bot, "medewerker1@example.nl", notice, "#escaleren")
    assert bot.store().case(case.id).level.label == "appeal"
    bot.clock.set(moment("2026-11-12T10:00:00+01:00"))
    bot.run_once()
    assert len(mails(bot, COORDINATOR, "Nog geen persoonlijk contact")) == 1
    (alert,) = mails(bot, "directeur@example.nl", "Nog geen persoonlijk contact")
    assert "wacht sinds vrijdag 6 november 2026 op persoonlijk contact" in plain(alert)


@pytest.mark.integration
def test_with_nothing_to_say_the_owner_is_asked_and_tussenbericht_sends_the_update(bot) -> None:
    complaint(bot)
    bot.clock.set(moment("2026-11-09T09:00:00+01:00"))
    bot.run_once()
    assert not mails(bot, CUSTOMER, "Stand van zaken")
    (ask,) = mails(bot, "techniek@example.nl", "Wat kunnen wij de klant laten weten")
    assert "#tussenbericht" in plain(ask) and "dinsdag 10 november 2026 om 8.30 uur" in plain(ask)

    bot.clock.advance(timedelta(hours=1))
    answer(bot, OWNER, ask, "#tussenbericht De leverancier stuurt ons deze week een nieuwe camera")
    (update,) = mails(bot, CUSTOMER, "Stand van zaken")
    body = plain(update)
    assert "De leverancier stuurt ons deze week een nieuwe camera." in body
    assert "Team Techniek behandelt uw klacht." in body
    # The standard update of the next morning is not sent as well.
    bot.clock.set(moment("2026-11-10T09:00:00+01:00"))
    bot.run_once()
    assert len(mails(bot, CUSTOMER, "Stand van zaken")) == 1


@pytest.mark.integration
def test_without_an_answer_the_standard_update_goes_the_next_working_morning(bot) -> None:
    complaint(bot)
    bot.clock.set(moment("2026-11-13T09:00:00+01:00"))  # Friday: the next working morning is Monday
    bot.run_once()
    # The update was due on Monday 9 November; mailbot was down till Friday: the owner is asked now.
    assert mails(bot, "techniek@example.nl", "Wat kunnen wij de klant laten weten")
    assert not mails(bot, CUSTOMER, "Stand van zaken")
    bot.clock.set(moment("2026-11-16T08:29:00+01:00"))
    bot.run_once()
    assert not mails(bot, CUSTOMER, "Stand van zaken")
    bot.clock.set(moment("2026-11-16T08:31:00+01:00"))
    bot.run_once()
    (update,) = mails(bot, CUSTOMER, "Stand van zaken")
    assert "behandelt uw klacht" in plain(update) and "Dit is er gebeurd" not in plain(update)
    assert len(mails(bot, "techniek@example.nl", "Wat kunnen wij de klant laten weten")) == 1


def test_a_bad_contact_term_is_refused_with_its_file_and_line(tmp_path) -> None:
    from pathlib import Path

    from mailbot.config import ConfigError, load_rules

    shipped = (Path(__file__).resolve().parent.parent / "rules.yaml").read_text(encoding="utf-8")
    line = shipped.splitlines().index("  contact_within: 3 working days") + 1
    path = tmp_path / "rules.yaml"
    path.write_text(shipped.replace("contact_within: 3 working days", "contact_within: soon"), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"rules.yaml:{line}: policy.contact_within must read like"):
        load_rules(path)
