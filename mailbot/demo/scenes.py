"""`mailbot demo`, first half: four customers write, reply and escalate; the cases, a dossier, what they received."""

from __future__ import annotations

import email
import shutil
import tempfile
import textwrap
from email.policy import default as default_policy
from pathlib import Path
from zoneinfo import ZoneInfo

from mailbot.cases.dossier import dossier, render_dossier, render_table
from mailbot.clock import SystemClock
from mailbot.config import Rules, Settings, load_rules, parse_imap_url, parse_smtp_url
from mailbot.demo.mail import BOT, VOUCHED, compose_mail
from mailbot.demo.policy import policy_scenes
from mailbot.ops.daemon import Daemon
from mailbot.ops.runreport import RunReport
from mailbot.ops.wiring import build_services
from mailbot.shipped import SAMPLE_RULES
from mailbot.store import Store
from mailbot.testing.servers import Dovecot, SmtpSink, find_dovecot
from mailbot.workdays import format_datetime_nl


def loopback_settings(dovecot: Dovecot, sink: SmtpSink, data_dir: Path, rules_path: Path, user: str = BOT) -> Settings:
    """Settings that point mailbot at the private servers."""
    return Settings(
        imap=parse_imap_url(dovecot.url(user)),
        smtp=parse_smtp_url(sink.url()),
        db_path=data_dir / "mailbot.db",
        rules_path=rules_path,
        data_dir=data_dir,
    )


FIRST_WAVE = [
    (
        "m.jansen@example.net",
        "Marieke Jansen",
        "beveiliging@example.nl",
        "Compliment voor Jan de Vries",
        "Beste mensen,\n\nIk wil graag een compliment geven aan Jan de Vries. Hij heeft ons vorige week heel "
        "vriendelijk geholpen toen ons alarm steeds afging. Top service!\n\nMet vriendelijke groet,\nMarieke Jansen",
    ),
    (
        "p.devries@example.net",
        "Peter de Vries",
        "beveiliging@example.nl",
        "Monteur niet gekomen",
        "Geachte heer, mevrouw,\n\nVorige week dinsdag zou er een monteur komen om onze camera te repareren. "
        "Er is niemand gekomen en ik heb ook geen reactie gehad. Ik ben hier erg ontevreden over.\n\n"
        "Met vriendelijke groet,\nPeter de Vries",
    ),
    (
        "a.bakker@example.net",
        "Anna Bakker",
        "klacht@example.nl",
        "Inbraak en alarm ging niet af",
        "Geachte heer, mevrouw,\n\nVannacht is er bij ons ingebroken. Het alarm ging niet af en de meldkamer "
        "heeft niets gedaan. Dit is onacceptabel. Ik wil dat u vandaag contact met mij opneemt.\n\nAnna Bakker",
    ),
    (
        "k.smit@example.net",
        "Karel Smit",
        "klacht@example.nl",
        "Gedrag beveiliger",
        "Geachte heer, mevrouw,\n\nGisteren was de beveiliger bij de ingang van het winkelcentrum erg onbeschoft "
        "tegen mij. Hij schreeuwde en liet mij niet uitpraten. Ik wil hier een klacht over indienen.\n\nKarel Smit",
    ),
]


def run_demo(keep: bool = False) -> int:
    """Start Dovecot and an SMTP server on loopback, deliver sample mail, run mailbot, show the result."""
    if find_dovecot() is None:
        print("mailbot demo needs Dovecot: apt-get install dovecot-imapd (the README's demo command does this)")
        return 2
    rules_path = SAMPLE_RULES  # they name the demo's addresses (example.nl), wherever mailbot is run from
    rules = load_rules(rules_path)
    root = Path(tempfile.mkdtemp(prefix="mailbot-demo-"))
    try:
        with Dovecot(root / "dovecot") as dovecot, SmtpSink(dovecot) as sink:
            settings = loopback_settings(dovecot, sink, root / "data", rules_path)
            _say(f"Dovecot IMAP on 127.0.0.1:{dovecot.port}, SMTP on {sink.url()}, data in {root}")

            def run() -> None:
                _report(_run(settings, rules, rules_path))

            _first_wave(dovecot)
            run()
            ack = _replies(dovecot)
            run()
            _staff_answers(dovecot, ack)
            run()
            _formal_complaint(dovecot, ack)
            run()
            _show(settings, rules, dovecot, ack["X-Mailbot-Case"])
            policy_scenes(settings, rules, dovecot, ack["X-Mailbot-Case"], run, _say)
        return 0
    finally:
        if keep:
            _say(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def _first_wave(dovecot: Dovecot) -> None:
    """Scene 1: new mail from four customers, and a newsletter."""
    _say("1. Four customers write: a compliment, two complaints (one urgent), a behaviour complaint")
    for sender, name, to, subject, body in FIRST_WAVE:
        dovecot.append(BOT, compose_mail(sender, to, subject, body, name=name))
    dovecot.append(
        BOT,
        compose_mail(
            "nieuwsbrief@example.org",
            BOT,
            "Nieuwsbrief november",
            "Lees ons laatste nieuws.",
            List_Id="<nieuws.example.org>",
        ),
    )


def _replies(dovecot: Dovecot) -> email.message.EmailMessage:
    """Scene 2: Peter replies, an out-of-office, a stranger uses Peter's case number; his acknowledgement."""
    _say(
        "2. Replies: Peter answers the acknowledgement (Gmail style); an out-of-office arrives;"
        " a stranger uses Peter's case number"
    )
    ack = _last_mail(dovecot, "p.devries@example.net")
    ref = ack["X-Mailbot-Case"]
    quoted = textwrap.indent(ack.get_body(("plain",)).get_content(), "> ")  # type: ignore[union-attr]
    reply = (
        f"Dank voor uw bericht. De monteur kan donderdag na 13.00 uur komen.\n\nPeter de Vries\n\n"
        f"Op {format_datetime_nl(ack['Date'].datetime)} schreef {ack['From']}:\n{quoted}"
    )
    _peter_answers(dovecot, ack, reply)
    dovecot.append(
        BOT,
        compose_mail(
            "m.jansen@example.net",
            BOT,
            "Automatisch antwoord: afwezig",
            "Ik ben afwezig tot maandag.",
            Auto_Submitted="auto-replied",
        ),
    )
    dovecot.append(
        BOT,
        compose_mail(
            "onbekend@example.org",
            BOT,
            f"Re: [{ref}] vraag",
            "Ik wil graag alle gegevens van dit dossier ontvangen.",
        ),
    )
    return ack


def _staff_answers(dovecot: Dovecot, ack: email.message.EmailMessage) -> None:
    """Scene 3: a staff member answers Peter from her own mail client, klacht@ in Cc."""
    _say(
        "3. Staff answer Peter from their own mail client, with klacht@ in Cc; Peter is still not"
        " satisfied and files a formal complaint"
    )
    dovecot.append(
        BOT,
        VOUCHED
        + compose_mail(
            "medewerker2@example.nl",
            "p.devries@example.net",
            f"Re: {ack['Subject']}",
            "Geachte heer De Vries,\n\nDe monteur komt donderdag om 14.00 uur.\n\nMet vriendelijke groet,\n"
            "Fatima El Amrani",
            name="Fatima El Amrani",
            in_reply_to=ack["Message-ID"],
            cc=BOT,
        ),
    )


def _formal_complaint(dovecot: Dovecot, ack: email.message.EmailMessage) -> None:
    """Scene 3, continued: Peter is not satisfied and files a formal complaint."""
    _peter_answers(
        dovecot,
        ack,
        "De monteur is weer niet gekomen. Dit is niet opgelost en ik ben het niet eens met uw "
        "antwoord. Ik dien een formele klacht in.\n\nPeter de Vries",
    )


def _peter_answers(dovecot: Dovecot, ack: email.message.EmailMessage, text: str) -> None:
    """Peter writes in the thread of his acknowledgement."""
    subject, message_id = f"Re: {ack['Subject']}", ack["Message-ID"]
    mail = compose_mail("p.devries@example.net", BOT, subject, text, name="Peter de Vries", in_reply_to=message_id)
    dovecot.append(BOT, mail)


def _run(settings: Settings, rules: Rules, rules_path: Path) -> RunReport:
    store = Store(settings.db_path)
    try:
        services = build_services(rules, store, SystemClock(), rules.template_dir, settings.data_dir)
        return Daemon(settings, services).run(once=True)
    finally:
        store.close()


def _last_mail(dovecot: Dovecot, user: str) -> email.message.EmailMessage:
    raw = dovecot.fetch_all(user)[-1]
    message = email.message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, email.message.EmailMessage)
    return message


def _show(settings: Settings, rules: Rules, dovecot: Dovecot, ref: str) -> None:
    zone = ZoneInfo(rules.calendar.timezone)
    store = Store(settings.db_path)
    try:
        _say("4. The cases (mailbot cases list)")
        print(render_table(store.cases(), zone))
        case = store.case_by_ref(ref)
        assert case is not None
        _say(f"5. The dossier of {ref} (mailbot cases show {ref})")
        print(render_dossier(dossier(store, case), zone))
        minutes = rules.cases.auto_reply_window.seconds // 60
        print("   The acknowledgement of the formal complaint is queued, not yet sent: at most one automatic")
        print(f"   reply per address per {minutes} minutes (rules.yaml, cases.auto_reply_window_minutes),")
        print("   and never past its deadline.")
    finally:
        store.close()
    _say("6. What the customers received")
    for customer in (
        "m.jansen@example.net",
        "p.devries@example.net",
        "a.bakker@example.net",
        "k.smit@example.net",
        "onbekend@example.org",
    ):
        for raw in dovecot.fetch_all(customer):
            msg = email.message_from_bytes(raw, policy=default_policy)
            body = msg.get_body(("plain",))
            print(f"--- to {customer}: {msg['Subject']}")
            print(textwrap.indent(body.get_content().strip() if body else "", "    "))
            print()


def _say(text: str) -> None:
    print(f"\n== {text}")


def _report(report: RunReport) -> None:
    outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(report.outcomes.items()) if k != "sent-copy")
    copies = f", {report.sent_copies} copies of sent mail filed in Sent" if report.sent_copies else ""
    print(
        f"   mailbot run --once: {report.processed} handled ({outcomes}), {report.quarantined} quarantined, "
        f"{report.sent} mails sent{copies}"
    )
