"""`mailbot demo`, second half: the policy's later steps on Peter's formal complaint.

The handler extends the term (#uitstel), solves it; Peter is not satisfied and appeals; the director
judges (#oordeel) and decides (#opgelost at the appeal: a decision letter in the director's name);
then the yearly report over everything the demo did. Staff write as they do from their own mail
client: a reply to mailbot's notice, the commands at the top.
"""

from __future__ import annotations

import email
import json
import textwrap
from collections.abc import Callable
from datetime import date, datetime
from email.message import EmailMessage
from email.policy import default as default_policy

from mailbot.config import Rules, Settings
from mailbot.demo.mail import BOT, VOUCHED, compose_mail
from mailbot.reports.annual import load_annual, render_annual
from mailbot.store import Store
from mailbot.testing.servers import Dovecot
from mailbot.workdays import WorkCalendar

PETER = "p.devries@example.net"


def policy_scenes(
    settings: Settings, rules: Rules, dovecot: Dovecot, ref: str, run: Callable[[], None], say: Callable[[str], None]
) -> None:
    """Scenes 7 to 10: extension, solution, appeal and decision, the yearly report."""

    def staff(sender: str, name: str, text: str, inbox: str = rules.coordinator.email) -> None:
        """``sender`` answers mailbot's latest notice about the case (the coordinator sees every one)."""
        notice = _latest(dovecot, inbox, ref)
        reply = compose_mail(
            sender,
            BOT,
            f"RE: {notice['Subject']}",
            f"{text}\n\nMet vriendelijke groet,\n{name}",
            name=name,
            in_reply_to=notice["Message-ID"],
        )
        dovecot.append(BOT, VOUCHED + reply)

    handler = "medewerker2@example.nl"  # Fatima, who answered Peter in scene 3
    due = _new_deadline(settings, rules, ref)
    say(f"7. The handler ({handler}) needs more time: #uitstel {due.isoformat()}, the customer is told why")
    staff(handler, "Fatima El Amrani", f"#uitstel {due.isoformat()} wij wachten op een nieuw onderdeel voor de camera")
    run()
    _show_last(dovecot, handler)
    _show_last(dovecot, PETER)
    say("8. The handler solves it (#opgelost); Peter is not satisfied and appeals to the director")
    staff(handler, "Fatima El Amrani", "#opgelost De camera is vervangen en getest.")
    run()
    solved = _latest(dovecot, PETER, ref)
    peter = compose_mail(
        PETER,
        BOT,
        f"Re: {solved['Subject']}",
        "Nee, ik ben niet tevreden. De camera valt nog steeds uit. Ik ga in beroep.\n\nPeter de Vries",
        name="Peter de Vries",
        in_reply_to=solved["Message-ID"],
    )
    dovecot.append(BOT, peter)
    run()
    say("9. The director judges the complaint (#oordeel) and decides: a letter in the director's name")
    staff(
        rules.director.email,
        rules.director.name or "De directeur",
        "#oordeel deels gegrond\n#opgelost U krijgt een nieuwe camera van een ander merk, zonder kosten.",
        inbox=rules.director.email,
    )
    run()
    _show_last(dovecot, PETER)
    _yearly(settings, rules, say)


def _yearly(settings: Settings, rules: Rules, say: Callable[[str], None]) -> None:
    """Scene 10: the yearly report of this year, as `mailbot report --jaarverslag` makes it."""
    from datetime import UTC

    now = datetime.now(UTC)
    say(f"10. The yearly report (mailbot report --jaarverslag {now.year}): counts only, nobody named")
    store = Store(settings.db_path)
    try:
        report = load_annual(store, now.year, rules.calendar.timezone, rules.organisation, now)
    finally:
        store.close()
    figures = json.loads(render_annual(report, "json", rules.template_dir, rules.calendar.timezone))["year"]
    outcomes = ", ".join(f"{key}: {n}" for key, n in figures["outcomes"].items() if n)
    print(f"   {figures['received']} complaints received ({figures['written']} written), {outcomes}")
    print(f"   extended: {figures['extended']}, handled again after an appeal: {figures['escalated']}")
    page = settings.data_dir / f"jaarverslag-{now.year}.html"
    page.write_text(render_annual(report, "html", rules.template_dir, rules.calendar.timezone), encoding="utf-8")
    print(f"   the page to publish: {page} (mailbot demo --keep keeps it)")


def _new_deadline(settings: Settings, rules: Rules, ref: str) -> date:
    """Five working days after the case's current solution deadline: a date #uitstel accepts."""
    store = Store(settings.db_path)
    try:
        case = store.case_by_ref(ref)
        assert case is not None and case.solution_due is not None
        return WorkCalendar(rules.calendar).add_working_days(case.solution_due, 5).date()
    finally:
        store.close()


def _latest(dovecot: Dovecot, user: str, ref: str) -> EmailMessage:
    """The last mail ``user`` received about the case ``ref``."""
    for raw in reversed(dovecot.fetch_all(user)):
        message = email.message_from_bytes(raw, policy=default_policy)
        if ref in str(message["Subject"]) and isinstance(message, EmailMessage):
            return message
    raise LookupError(f"{user} got no mail about {ref}")


def _show_last(dovecot: Dovecot, user: str) -> None:
    raw = dovecot.fetch_all(user)[-1]
    message = email.message_from_bytes(raw, policy=default_policy)
    body = message.get_body(("plain",))
    print(f"--- to {user}: {message['Subject']}")
    print(textwrap.indent(body.get_content().strip() if body else "", "    "))
