"""The hostile mail of issue 4, built once for the tests and for bench/faults.py, which counts over it.

A responder that answers everything, mail that carries the signs of a machine, strangers and
forgers after another customer's case, and staff commands without our own server's word for them.
"""

from __future__ import annotations

import email
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import TYPE_CHECKING

from mailbot.demo import compose_mail

if TYPE_CHECKING:
    from conftest import Bot

    from mailbot.config import Rules
    from mailbot.testing.servers import SmtpSink

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"
OUR_SERVER = "mx.example.nl"  # security.authserv_ids in the shipped rules.yaml

# --- mail loops (RFC 3834) ---------------------------------------------------------------------

# How a responder that answers everything finds its way back to the case.
RESPONDER_STYLES = ("re-subject", "in-reply-to", "new-subject-quoting-tag")

# Headers that mark mail as sent by a machine: RFC 3834, precedence, mailing lists, Exchange, a null sender.
AUTOMATIC_HEADERS: tuple[dict[str, str], ...] = (
    {"Auto_Submitted": "auto-replied"},
    {"Auto_Submitted": "auto-notified"},
    {"Auto_Submitted": "auto-generated; owner-email=x@example.net"},
    {"Precedence": "bulk"},
    {"Precedence": "junk"},
    {"Precedence": "list"},
    {"List_Id": "<nieuws.example.org>"},
    {"List_Unsubscribe": "<mailto:uit@example.org>"},
    {"X_Auto_Response_Suppress": "DR, AutoReply"},
    {"X_Auto_Response_Suppress": "OOF"},
    {"Return_Path": "<>"},
)

# Bounces and out-of-office replies known only by their sender or subject.
AUTOMATIC_SENDERS: tuple[tuple[str, str], ...] = (
    ("mailer-daemon@mx.example.net", "Returned mail"),
    ("postmaster@example.net", "Undelivered Mail Returned to Sender"),
    ("noreply@example.net", "Uw bestelling"),
    ("no-reply@example.net", "Uw bestelling"),
    ("klant@example.net", "Automatisch antwoord: Klacht"),
    ("klant@example.net", "Afwezig: Klacht"),
    ("klant@example.net", "Out of Office: Klacht"),
    ("klant@example.net", "Automatic reply: Klacht"),
    ("postmaster@example.onmicrosoft.com", "Onbestelbaar: Klacht"),
    ("klant@example.net", "Undeliverable: Klacht"),
)


def responder_answer(style: str, responder: str, message: EmailMessage) -> bytes:
    """What a hostile auto-responder sends back to ``message`` in one of RESPONDER_STYLES."""
    if style == "in-reply-to":
        return compose_mail(
            responder,
            BOT,
            "Bedankt voor uw bericht",
            "Wij hebben uw bericht ontvangen.",
            in_reply_to=message["Message-ID"],
        )
    if style == "re-subject":
        return compose_mail(responder, BOT, f"Re: {message['Subject']}", "Wij hebben uw bericht ontvangen.")
    if style == "new-subject-quoting-tag":
        ref = message["X-Mailbot-Case"]
        return compose_mail(responder, BOT, f"Ontvangen [{ref}]", "Uw bericht is in goede orde ontvangen.")
    raise ValueError(f"unknown responder style {style!r}")


def sent(sink: SmtpSink) -> dict[str, list[EmailMessage]]:
    """Every mail the SMTP server took, by recipient, in the order it came."""
    by_rcpt: dict[str, list[EmailMessage]] = {}
    for delivered in sink.messages:
        message = email.message_from_bytes(delivered.raw, policy=default_policy)
        for rcpt in delivered.rcpt_tos:
            by_rcpt.setdefault(rcpt.lower(), []).append(message)
    return by_rcpt


def exchange(
    bot: Bot, answers: Mapping[str, Callable[[EmailMessage], bytes | None]], rounds: int = 5
) -> dict[str, int]:
    """Let auto-responders answer every mail mailbot sends them, for several rounds; the mail each received.

    ``answers`` maps a responder's address to what it sends back to one message (None: nothing).
    """
    received = dict.fromkeys(answers, 0)
    for _ in range(rounds):
        bot.run_once()
        mail = sent(bot.sink)
        for responder, answer in answers.items():
            mails = mail.get(responder.lower(), [])
            for message in mails[received[responder] :]:
                reply = answer(message)
                if reply is not None:
                    bot.deliver(reply)
            received[responder] = len(mails)
        bot.clock.advance(bot.rules.cases.auto_reply_window)  # the window never stops a real loop
    return received


# --- case hijacking ----------------------------------------------------------------------------


def stranger_subjects(ref: str, subject: str) -> tuple[tuple[str, str], ...]:
    """How a stranger writes case ``ref``'s tag into a subject to get into it: (kind, subject)."""
    return (
        ("tag in a reply's subject", f"Re: [{ref}] {subject}"),
        ("tag in a new subject", f"[{ref}] Stuur mij het hele dossier"),
        ("tag in lower case", f"Antw: [{ref.lower()}] nog steeds niets"),
        ("tag with spaces", f"RE: [ {ref} ] {subject}"),
    )


def wrong_mac(message_id: str) -> str:
    """One of our Message-IDs with its HMAC replaced: the right shape, even the case number, no key."""
    return message_id[: message_id.rindex(".") + 1] + "0" * 20 + message_id[message_id.rindex("@") :]


def moved_to(message_id: str, ref: str) -> str:
    """A genuine Message-ID of one case (a stranger's own acknowledgement) with another case's reference."""
    return f"<{ref}." + message_id[1:].split(".", 1)[1]


def guessed(ref: str, domain: str) -> str:
    """A Message-ID in our shape for case ``ref``, nonce and HMAC made up."""
    return f"<{ref}.0123456789ab.{'5a' * 10}@{domain}>"


# --- spoofed staff commands --------------------------------------------------------------------


@dataclass(frozen=True)
class Spoof:
    """A staff command's Authentication-Results (topmost first) that must not make us obey it, and why not."""

    name: str
    results: tuple[str, ...]
    why: str  # words of the reason mailbot gives the staff member


SPOOFS = (
    Spoof("no header", (), "geen Authentication-Results"),
    Spoof("foreign authserv-id", ("mx.aanvaller.example; dkim=pass header.d=example.nl",), "niet van onze mailserver"),
    Spoof(
        "dkim=fail",
        (f"{OUR_SERVER}; dkim=fail header.d=example.nl; spf=softfail smtp.mailfrom=medewerker3@example.nl",),
        "kon niet vaststellen",
    ),
    Spoof("pass for another domain", (f"{OUR_SERVER}; dkim=pass header.d=aanvaller.example",), "kon niet vaststellen"),
    # The sender wrote a passing header of our id into the mail; our server put its own verdict on top.
    Spoof(
        "header added below ours",
        (
            f"{OUR_SERVER}; dkim=none; spf=fail smtp.mailfrom=medewerker3@example.nl",
            f"{OUR_SERVER}; dkim=pass header.d=example.nl",
        ),
        "kon niet vaststellen",
    ),
)


def vouched(bot: Bot, sender: str) -> str:
    """The Authentication-Results header our own mail server adds to a staff member's mail (RFC 8601)."""
    return our_verdict(bot.rules, sender)


def our_verdict(rules: Rules, sender: str) -> str:
    """The Authentication-Results our own server (the rules' first authserv-id) gives ``sender``'s signed mail."""
    return f"{rules.security.authserv_ids[0]}; dkim=pass header.d={sender.rpartition('@')[2]} header.s=mail"


def from_our_server(rules: Rules, raw: bytes) -> bytes:
    """A staff member's mail as our own server delivers it: its Authentication-Results on top."""
    message = email.message_from_bytes(raw, policy=default_policy)
    sender = message["From"].addresses[0].addr_spec.lower()
    return f"Authentication-Results: {our_verdict(rules, sender)}\n".encode() + raw


def staff_answer(staff: str, notice: EmailMessage, body: str, results: Sequence[str], to: str = BOT) -> bytes:
    """A staff member's answer to mailbot's notice, with the Authentication-Results it arrived with, topmost first."""
    raw = compose_mail(staff, to, f"RE: {notice['Subject']}", body, in_reply_to=notice["Message-ID"])
    # Receiving servers put their trace headers on top of the mail, so the last one added comes first.
    return b"".join(f"Authentication-Results: {r}\n".encode() for r in results) + raw
