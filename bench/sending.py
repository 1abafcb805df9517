"""Addresses and failures that once stopped all outgoing mail, thrown at the outbox: does the rest still go out?

Each round brings, between ordinary complaints: a customer whose address has non-ASCII before the
@ (the server offers no SMTPUTF8), one whose domain is an IDN (punycode suffices), one whose
address the server refuses with 550, and one whose send raises an exception nobody foresaw.
Then the same non-ASCII customers against a server that does offer SMTPUTF8. mailbot runs as
the tests drive it (tests/conftest.py's ``Bot``, `run --once` in process) over a private Dovecot
and aiosmtpd; what it sent is read from the sink.
"""

from __future__ import annotations

import email
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from email.policy import default
from pathlib import Path
from typing import Any

from bench.defences import Bot  # the tests' harness, on sys.path through bench.defences
from mailbot.demo import compose_mail
from mailbot.testing.servers import Dovecot, SmtpSink

FIRST_LINE = "beveiliging@example.nl"
COORDINATOR = "coordinator@example.nl"
BROKEN = "kapot"  # the local part whose send raises


@dataclass(frozen=True)
class SendingFigures:
    """What went out around the bad addresses and failures."""

    good: int  # ordinary customers
    good_acknowledged: int  # of which got their acknowledgement (must be all)
    runs_that_raised: int  # `run --once` passes that ended in an exception (must be 0)
    utf8_without_smtputf8: int  # non-ASCII local parts offered to a server without SMTPUTF8
    utf8_parked_with_reason: int  # of which parked, the reason naming SMTPUTF8 (must be all)
    idn: int  # IDN domains (ASCII local part)
    idn_delivered_as_punycode: int  # (must be all)
    refused: int  # addresses the server refused with 550
    refused_parked_with_reason: int  # (must be all)
    exceptions: int  # sends that raised
    exceptions_parked: int  # (must be all)
    utf8_with_smtputf8: int  # non-ASCII local parts offered to a server with SMTPUTF8
    utf8_delivered: int  # (must be all)
    failure_notices: int  # notices the coordinator got
    failures_listed: int  # failures those notices list (must be every parked mail)
    duplicate_deliveries: int  # the same Message-ID delivered twice (must be 0)

    @property
    def ok(self) -> bool:
        """Every good mail out, every bad one parked with its reason and told, nothing twice, no crash."""
        return (
            self.good_acknowledged == self.good
            and self.runs_that_raised == 0
            and self.utf8_parked_with_reason == self.utf8_without_smtputf8
            and self.idn_delivered_as_punycode == self.idn
            and self.refused_parked_with_reason == self.refused
            and self.exceptions_parked == self.exceptions
            and self.utf8_delivered == self.utf8_with_smtputf8
            and self.failures_listed == self.utf8_without_smtputf8 + self.refused + self.exceptions
            and self.duplicate_deliveries == 0
        )


def utf8_mail(sender: str, subject: str, body: str) -> bytes:
    """A mail as an SMTPUTF8 client writes it (RFC 6532: the address in UTF-8)."""
    from uuid import uuid4

    return (
        f"From: {sender}\r\nTo: {FIRST_LINE}\r\nSubject: {subject}\r\nMessage-ID: <{uuid4().hex}@example.net>\r\n"
        "Date: Mon, 02 Nov 2026 08:55:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


@contextmanager
def exception_for(local_part: str) -> Iterator[None]:
    """Every DATA of a mail to ``local_part@…`` raises, as a bug in the sending path would."""
    import aiosmtplib

    real = aiosmtplib.SMTP.data

    async def data(self: aiosmtplib.SMTP, message: Any, *args: Any, **kwargs: Any) -> Any:
        if f"To: {local_part}@".encode() in bytes(message):
            raise RuntimeError("an exception nobody foresaw")
        return await real(self, message, *args, **kwargs)

    aiosmtplib.SMTP.data = data  # type: ignore[method-assign]
    try:
        yield
    finally:
        aiosmtplib.SMTP.data = real  # type: ignore[method-assign]


def sending(binary: str, work: Path, rounds: int) -> SendingFigures:
    """Run the rounds against a server without SMTPUTF8, then the non-ASCII ones against one with it."""
    good: list[str] = []
    utf8: list[str] = []
    idn: list[str] = []
    refused: list[str] = []
    broken: list[str] = []
    raised = 0
    with Dovecot(work / "dovecot", binary=binary) as dovecot:
        with SmtpSink(dovecot, smtputf8=False, local=(COORDINATOR,)) as sink, exception_for(BROKEN):
            bot = Bot(dovecot, sink, work / "data")
            for n in range(rounds):
                utf8.append(f"jöran{n}@bücher.example")
                idn.append(f"idn{n}@bücher.example")
                refused.append(f"weg{n}@example.org")
                broken.append(f"{BROKEN}@r{n}.example.net")
                sink.refuse[refused[-1]] = f"550 5.1.1 <{refused[-1]}>: no such user"
                for bad in (utf8[-1], idn[-1], refused[-1], broken[-1]):
                    good.append(f"goed{n}.{len(good)}@example.net")
                    body = "De beveiliger kwam niet opdagen en niemand belde."
                    raw = utf8_mail(bad, "Klacht", body) if not bad.isascii() else None
                    bot.deliver(raw or compose_mail(bad, FIRST_LINE, "Klacht", body))
                    bot.deliver(compose_mail(good[-1], FIRST_LINE, "Klacht", body))
                try:
                    bot.run_once()
                except Exception:
                    raised += 1
                bot.clock.advance(timedelta(hours=1))  # each round's notice within the hourly cap
            store = bot.store()
            parked = {row.recipients[0]: row.last_error or "" for row in store.outbox() if row.status == "parked"}
            taken = _taken(sink)
            notices = [m for m in bot.received(COORDINATOR) if str(m["Subject"]).startswith("Niet gelukt")]
            listed = sum(str(m.get_body(("plain",)).get_content()).count("   Reden: ") for m in notices)
            duplicates = _duplicates(sink)
        with SmtpSink(dovecot, smtputf8=True, local=()) as utf8_sink:
            bot = Bot(dovecot, utf8_sink, work / "data-utf8")
            for address in utf8:
                bot.deliver(utf8_mail(address, "Klacht", "Niemand kwam opdagen."))
            try:
                bot.run_once()
            except Exception:
                raised += 1
            utf8_taken = _taken(utf8_sink)
            duplicates += _duplicates(utf8_sink)
    return SendingFigures(
        good=len(good),
        good_acknowledged=sum(1 for g in good if g in taken),
        runs_that_raised=raised,
        utf8_without_smtputf8=len(utf8),
        utf8_parked_with_reason=sum(1 for a in utf8 if "SMTPUTF8" in parked.get(a, "")),
        idn=len(idn),
        idn_delivered_as_punycode=sum(1 for a in idn if a.replace("bücher", "xn--bcher-kva") in taken),
        refused=len(refused),
        refused_parked_with_reason=sum(1 for a in refused if "550" in parked.get(a, "")),
        exceptions=len(broken),
        exceptions_parked=sum(1 for a in broken if "RuntimeError" in parked.get(a, "")),
        utf8_with_smtputf8=len(utf8),
        utf8_delivered=sum(1 for a in utf8 if a in utf8_taken),
        failure_notices=len(notices),
        failures_listed=listed,
        duplicate_deliveries=duplicates,
    )


def _taken(sink: SmtpSink) -> set[str]:
    """Every envelope recipient the sink took an acknowledgement for."""
    return {
        rcpt
        for m in sink.messages
        for rcpt in m.rcpt_tos
        if email.message_from_bytes(m.raw, policy=default)["Auto-Submitted"] == "auto-replied"
    }


def _duplicates(sink: SmtpSink) -> int:
    ids = [email.message_from_bytes(m.raw, policy=default)["Message-ID"] for m in sink.messages]
    return len(ids) - len(set(ids))


def render(f: SendingFigures) -> str:
    """The figures, as the report quotes them."""
    return "\n".join(
        [
            f"Sending: {f.good} ordinary customers among bad addresses and failures, `run --once` per round",
            f"  ordinary customers acknowledged      {f.good_acknowledged}/{f.good}",
            f"  non-ASCII local part, no SMTPUTF8    {f.utf8_parked_with_reason}/{f.utf8_without_smtputf8} parked "
            "with the reason",
            f"  IDN domain                           {f.idn_delivered_as_punycode}/{f.idn} delivered as punycode",
            f"  refused with 550                     {f.refused_parked_with_reason}/{f.refused} parked with the reason",
            f"  exception in the send                {f.exceptions_parked}/{f.exceptions} parked",
            f"  non-ASCII local part, SMTPUTF8       {f.utf8_delivered}/{f.utf8_with_smtputf8} delivered",
            f"  coordinator notices                  {f.failure_notices}, listing {f.failures_listed} failures",
            f"  runs that raised                     {f.runs_that_raised}",
            f"  delivered twice (same Message-ID)    {f.duplicate_deliveries}",
            f"  verdict                              {'OK' if f.ok else 'FAILED'}",
        ]
    )
