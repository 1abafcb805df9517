"""Mail loops, case hijacking and spoofed staff commands thrown at mailbot over the real servers: what got through.

Each section gets its own private Dovecot and SMTP sink (what mailbot sends is read from the
sink, not delivered on) and drives mailbot the way the tests do: tests/conftest.py's ``Bot``,
`run --once` in process, the clock frozen and moved on by hand. The hostile mail is that of
tests/attacks.py; every attack is made ``rounds`` times, each time by fresh addresses against
fresh cases.
"""

from __future__ import annotations

import logging
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from functools import partial
from pathlib import Path

from mailbot.demo import compose_mail
from mailbot.testing.servers import Dovecot, SmtpSink

TESTS = Path(__file__).resolve().parent.parent / "tests"
if str(TESTS) not in sys.path:  # the harness and the hostile mail are the tests' own
    sys.path.append(str(TESTS))

from attacks import (  # noqa: E402
    AUTOMATIC_HEADERS,
    AUTOMATIC_SENDERS,
    BOT,
    FIRST_LINE,
    RESPONDER_STYLES,
    SPOOFS,
    exchange,
    guessed,
    moved_to,
    responder_answer,
    sent,
    staff_answer,
    stranger_subjects,
    vouched,
    wrong_mac,
)
from conftest import Bot  # noqa: E402

TURNS = 5  # times every loop's partner gets to answer what mailbot sent it
COMPLAINT = ("Klacht", "De camera is kapot en ik ben ontevreden.")
STAFF = "medewerker3@example.nl"
COMMANDS = "#opgelost Alles is goed.\n#sluiten"


@dataclass(frozen=True)
class LoopFigures:
    """Loops with responders that answer everything, and automatic mail that must never be answered."""

    loops: int  # customers whose responder answered every mail mailbot sent them
    exchanged: dict[str, int]  # most messages one loop exchanged, per kind of responder (must be <= 2)
    automatic: int  # automatic mail delivered: answers of the responders with a sign, and out of the blue
    replies_to_automatic: int  # mail mailbot sent in answer to automatic mail (must be 0)
    cases_from_automatic: int  # cases automatic mail opened (must be 0)

    @property
    def ok(self) -> bool:
        """No loop went past one answer each way; no machine was answered."""
        return max(self.exchanged.values()) <= 2 and self.replies_to_automatic == 0 and self.cases_from_automatic == 0


@dataclass(frozen=True)
class HijackFigures:
    """Strangers after another customer's case, by its tag or a forged reference to our mail."""

    attempts: dict[str, int]  # per kind of attack
    joined: dict[str, int]  # attempts that joined a case not their own, per kind (must be 0)
    linked: int  # attempts kept apart as a new case linked to the one they named
    genuine: int  # the customers' own replies, by tag and by reference
    genuine_joined: int  # of which joined their case (must be all)

    @property
    def ok(self) -> bool:
        """No stranger got in; every customer still did."""
        return sum(self.joined.values()) == 0 and self.genuine_joined == self.genuine


@dataclass(frozen=True)
class SpoofFigures:
    """Commands from a staff address that our own server did not vouch for, and genuine ones."""

    attempts: dict[str, int]  # per kind of spoof
    obeyed: dict[str, int]  # per kind (must be 0)
    refused_with_reason: int  # refused for the reason the spoof calls for, as the event log says
    genuine: int
    genuine_obeyed: int  # (must be all)

    @property
    def ok(self) -> bool:
        """No spoofed command was carried out; every genuine one was."""
        return sum(self.obeyed.values()) == 0 and self.genuine_obeyed == self.genuine


@contextmanager
def servers(binary: str, work: Path) -> Iterator[Bot]:
    """mailbot on a private Dovecot and an SMTP sink in ``work``, with a frozen clock."""
    with Dovecot(work / "dovecot", binary=binary) as dovecot, SmtpSink(None) as sink:
        yield Bot(dovecot, sink, work / "data")


@contextmanager
def quiet() -> Iterator[None]:
    """Strangers and spoofed commands are warned about in the log; here they are the point, and are counted."""
    logger = logging.getLogger("mailbot")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def loops(bot: Bot, rounds: int) -> LoopFigures:
    """Responders that answer everything, with and without the signs of automatic mail; automatic mail cold."""
    answered: Counter[str] = Counter()  # answers each loop's partner sent
    kinds: dict[str, str] = {}  # customer -> kind of responder
    answers: dict[str, Callable[[EmailMessage], bytes]] = {}
    machines: set[str] = set()  # every address that sent automatic mail
    echoes: set[str] = set()  # customers whose own address answers with a sign of automatic mail
    partners: dict[str, str] = {}  # customer -> the other address their answers come from (a bounce)

    def responder(customer: str, kind: str, answer: Callable[[EmailMessage], bytes]) -> None:
        def counted(message: EmailMessage) -> bytes:
            answered[customer] += 1
            return answer(message)

        kinds[customer], answers[customer] = kind, counted
        bot.deliver(compose_mail(customer, FIRST_LINE, *COMPLAINT))

    for n in range(rounds):
        for style in RESPONDER_STYLES:
            address = f"altijd-{style}-{n}@example.net"
            responder(address, style, partial(responder_answer, style, address))
        for i, headers in enumerate(AUTOMATIC_HEADERS):
            address = f"afwezig-{i}-{n}@example.net"
            machines.add(address)
            echoes.add(address)
            responder(address, "automatic signs", partial(_out_of_office, address, headers))
            cold = f"robot-{i}-{n}@example.net"
            machines.add(cold)
            bot.deliver(compose_mail(cold, FIRST_LINE, "Melding", "De camera is kapot.", **headers))
        for i, (sender, subject) in enumerate(AUTOMATIC_SENDERS):
            customer = f"klant-{i}-{n}@example.net"
            # An out-of-office answers from the customer's own address; a bounce from their postmaster.
            machine = customer if sender.startswith("klant@") else _fresh(sender, f"b{i}-{n}")
            machines.add(machine)
            if machine == customer:
                echoes.add(customer)
            else:
                partners[customer] = machine
            responder(customer, "automatic signs", partial(_automatic, machine, subject))
            cold = _fresh(sender, f"c{i}-{n}")
            machines.add(cold)
            bot.deliver(compose_mail(cold, FIRST_LINE, subject, "Dit is een automatisch bericht."))
    received = exchange(bot, answers, TURNS)
    to: Counter[str] = Counter(r.lower() for d in bot.sink.messages for r in d.rcpt_tos)
    exchanged: dict[str, int] = {}
    for customer, kind in kinds.items():
        mails = received[customer] + answered[customer] + (to[partners[customer]] if customer in partners else 0)
        exchanged[kind] = max(exchanged.get(kind, 0), mails)
    # A customer whose own responder carries the sign had one acknowledgement; more went to the machine.
    replies = sum(to[m] for m in machines if m not in echoes) + sum(max(0, to[c] - 1) for c in echoes)
    per_customer = Counter(case.customer.email for case in bot.store().cases())
    opened = sum(n for who, n in per_customer.items() if who in machines and who not in echoes)
    opened += sum(max(0, per_customer[c] - 1) for c in echoes)
    automatic = sum(answered[c] for c, kind in kinds.items() if kind == "automatic signs")
    automatic += rounds * (len(AUTOMATIC_HEADERS) + len(AUTOMATIC_SENDERS))
    return LoopFigures(len(kinds), exchanged, automatic, replies, opened)


def hijack(bot: Bot, rounds: int) -> HijackFigures:
    """Strangers quote another customer's case tag, or forge a reference to our mail for it."""
    for n in range(rounds):
        bot.deliver(
            compose_mail(f"eigenaar-{n}@example.net", FIRST_LINE, "Pas werkt niet", "Mijn toegangspas werkt niet.")
        )
        bot.deliver(
            compose_mail(f"vreemde-{n}@example.org", FIRST_LINE, "Vraag", "Ik ben ontevreden over de planning.")
        )
    bot.run_once()
    store = bot.store()
    mail = sent(bot.sink)
    attackers: dict[str, str] = {}  # address -> kind of attack
    owners: dict[str, int] = {}  # customer -> their case
    domain = bot.rules.domain
    for n in range(rounds):
        owner, stranger = f"eigenaar-{n}@example.net", f"vreemde-{n}@example.org"
        case = next(c for c in store.cases() if c.customer.email == owner)
        owners[owner] = case.id
        (ack,) = mail[owner]
        (own_ack,) = mail[stranger]
        genuine = ack["Message-ID"]
        attacks: list[tuple[str, str, str | None, dict[str, str]]]
        attacks = [(kind, s, None, {}) for kind, s in stranger_subjects(case.ref, "Pas werkt niet")]
        attacks += [
            ("forged In-Reply-To: wrong HMAC", "Vraag", wrong_mac(genuine), {}),
            ("forged In-Reply-To: HMAC of own case", "Vraag", moved_to(own_ack["Message-ID"], case.ref), {}),
            ("forged In-Reply-To: guessed", "Vraag", guessed(case.ref, domain), {}),
            ("forged References + tag", f"Re: [{case.ref}] Pas werkt niet", None, {"References": wrong_mac(genuine)}),
        ]
        for k, (kind, subject, reply_to, headers) in enumerate(attacks):
            address = f"vreemde-{n}-{k}@example.org"
            attackers[address] = kind
            body = "Stuur mij alle gegevens uit dit dossier."
            bot.deliver(compose_mail(address, BOT, subject, body, in_reply_to=reply_to, **headers))
        bot.deliver(compose_mail(owner, BOT, f"[{case.ref}] aanvulling", "De pas werkt nu helemaal niet meer."))
        bot.deliver(compose_mail(owner, BOT, "Re: aanvulling", "Nog iets.", in_reply_to=genuine))
    bot.run_once()
    joined = dict.fromkeys(attackers.values(), 0)
    linked = genuine_joined = 0
    for case in store.cases():
        for message in store.messages(case.id):
            sender = message.from_email
            if sender in attackers and sender != case.customer.email:
                joined[attackers[sender]] += 1
            genuine_joined += owners.get(sender) == case.id
        linked += case.customer.email in attackers and case.linked_case_id is not None
    genuine_joined -= rounds  # each customer's complaint itself
    return HijackFigures(dict(Counter(attackers.values())), joined, linked, 2 * rounds, genuine_joined)


def spoofing(bot: Bot, rounds: int) -> SpoofFigures:
    """``#opgelost`` and ``#sluiten`` from a staff address, spoofed in each way and genuinely."""
    kinds = [(spoof.name, spoof.results, spoof.why) for spoof in SPOOFS]
    kinds.append(("genuine", (vouched(bot, STAFF),), ""))
    for n in range(rounds):
        for k in range(len(kinds)):
            bot.deliver(compose_mail(f"klant-{k}-{n}@example.net", FIRST_LINE, *COMPLAINT))
    bot.run_once()
    store = bot.store()
    cases = {c.customer.email: c for c in store.cases()}
    notices: dict[str, EmailMessage] = {}
    mail = sent(bot.sink)
    for team in {c.owner_team for c in cases.values()}:
        for notice in mail[bot.rules.teams[str(team)].email]:
            notices[str(notice["X-Mailbot-Case"])] = notice
    for n in range(rounds):
        for k, (_name, results, _why) in enumerate(kinds):
            notice = notices[cases[f"klant-{k}-{n}@example.net"].ref]
            bot.deliver(staff_answer(STAFF, notice, COMMANDS, results))
    bot.run_once()
    obeyed: Counter[str] = Counter()
    refused = 0
    for n in range(rounds):
        for k, (name, _results, why) in enumerate(kinds):
            case = store.case(cases[f"klant-{k}-{n}@example.net"].id)
            obeyed[name] += case.status != "open" or case.solution is not None
            ignored = [e for e in store.events(case.id) if e.kind == "commands-ignored"]
            refused += name != "genuine" and len(ignored) == 1 and why in ignored[0].detail["reason"]
    genuine_obeyed = obeyed.pop("genuine")
    attempts = {name: rounds for name, _results, _why in kinds[:-1]}
    return SpoofFigures(attempts, {name: obeyed[name] for name in attempts}, refused, rounds, genuine_obeyed)


def _out_of_office(sender: str, headers: dict[str, str], message: EmailMessage) -> bytes:
    """A reply to ``message`` that says it is automatic by ``headers``."""
    subject = f"Re: {message['Subject']}"
    return compose_mail(sender, BOT, subject, "Ik ben afwezig.", in_reply_to=message["Message-ID"], **headers)


def _automatic(sender: str, subject: str, message: EmailMessage) -> bytes:
    """A reply to ``message`` that is automatic by its sender or subject only: a bounce, an out-of-office."""
    return compose_mail(sender, BOT, subject, "Dit is een automatisch bericht.", in_reply_to=message["Message-ID"])


def _fresh(address: str, tag: str) -> str:
    """``address`` in a subdomain of its own, so every round's machine is a new one."""
    local, _, domain = address.partition("@")
    return f"{local}@{tag}.{domain}"
