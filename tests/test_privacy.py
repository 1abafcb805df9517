"""AVG/GDPR: export one person's data, erase it while the statistics stay, retention, owner-only files."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from conftest import REPO, Bot, mode, rules_copy, with_attachment

from mailbot.cases.dossier import dossier
from mailbot.cli import main
from mailbot.config import ConfigError, load_rules
from mailbot.demo import compose_mail
from mailbot.privacy.pseudonyms import ERASED, Pseudonyms, scrub_detail

BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"
ANNA, BRAM = "anna.smit@example.net", "bram.bakker@example.net"
# Sentences that occur nowhere but in Anna's mail, to look for in the raw database and data files.
ANNA_SAYS = "De ijsvogel zat vast in het hek bij poort zeven, niemand kwam kijken."
ANNA_AWAY = "Ik ben tot en met de paasvakantie in Zweden."
# Long enough to need overflow pages in SQLite: freed on erasure, they must not keep the text.
ANNA_LONG = "Het hek piept al weken. " * 300 + "Slotzin: de sleutel ligt onder de mat bij nummer negen."
ANNA_THANKS = "Jan de Vries heeft de ijsvogel bij poort zeven gered, top service, bedankt!"
BRAM_SAYS = "De slagboom bij de parkeergarage blijft dicht, ik ben ontevreden."
SHARED_PDF = b"%PDF-1.4 algemene voorwaarden, door beide klanten meegestuurd\n"
ANNA_PDF = b"%PDF-1.4 foto van het hek bij poort zeven\n"
PSEUDONYM = re.compile(r"erased-[0-9a-f]{8}@invalid")


def cli(bot: Bot, *args: str) -> int:
    """`mailbot ARGS` in this process, on the bot's database and rules."""
    return main(["--db", str(bot.settings.db_path), "--rules", str(bot.settings.rules_path), *args])


def last(bot: Bot, user: str, containing: str = "") -> EmailMessage:
    mails = [m for m in bot.received(user) if containing in m["Subject"]]
    assert mails, f"{user} received nothing with {containing!r}"
    return mails[-1]


def staff_command(bot: Bot, notice: EmailMessage, text: str) -> None:
    """The owner answers mailbot's notification with commands, from our own authenticated mail server."""
    sender = "medewerker3@example.nl"
    bot.deliver(
        compose_mail(
            sender,
            BOT,
            f"RE: {notice['Subject']}",
            text,
            in_reply_to=notice["Message-ID"],
            Authentication_Results=f"{bot.rules.security.authserv_ids[0]}; dkim=pass header.d=example.nl",
        )
    )


def statistics(store) -> tuple[Counter, list, Counter]:
    """What the KPIs count: cases per category, level, status and month; compliments; event kinds."""
    cases = Counter((c.category.value, c.level.label, c.status, c.received_at.strftime("%Y-%m")) for c in store.cases())
    kinds = Counter(e.kind for c in store.cases() for e in store.events(c.id) if e.kind != "erased")
    return cases, store.compliment_counts(), kinds


def stored_bytes(bot: Bot) -> bytes:
    """Every byte mailbot keeps: the database with its WAL, blobs, archives."""
    files = [p for p in bot.settings.data_dir.rglob("*") if p.is_file()]
    return b"".join(p.read_bytes() for p in files)


def two_customers(bot: Bot) -> None:
    """Anna: a complaint with two attachments, a compliment, an out-of-office; Bram: two complaints."""
    anna = compose_mail(
        ANNA, FIRST_LINE, "Hek poort zeven", f"{ANNA_SAYS}\nIk ben ontevreden.\n\n{ANNA_LONG}", name="Anna Smit"
    )
    anna = with_attachment(with_attachment(anna, "voorwaarden.pdf", SHARED_PDF), "hek.pdf", ANNA_PDF)
    bot.deliver(anna)
    bot.deliver(compose_mail(ANNA, FIRST_LINE, "Dank", "Jan de Vries heeft ons top geholpen, bedankt!"))
    bot.deliver(
        compose_mail(ANNA, BOT, "Afwezig: vakantie", ANNA_AWAY, Auto_Submitted="auto-replied", name="Anna Smit")
    )
    bram = compose_mail(BRAM, FIRST_LINE, "Slagboom", BRAM_SAYS, name="Bram Bakker")
    bot.deliver(with_attachment(bram, "voorwaarden.pdf", SHARED_PDF))
    bot.deliver(compose_mail(BRAM, BOT, "Camera", "De camera werkt niet. Ik ben ontevreden.", name="Bram Bakker"))
    bot.run_once()


@pytest.mark.integration
def test_export_one_person_then_erase_them_while_the_statistics_stay(bot: Bot, tmp_path: Path) -> None:
    two_customers(bot)
    store = bot.store()
    anna_case = next(c for c in store.cases() if c.customer.email == ANNA and c.category.value == "complaint")
    team = bot.rules.teams[anna_case.owner_team or ""].email
    # The owner records an agreement and closes Anna's complaint: an archive folder and a timer.
    staff_command(bot, last(bot, team, anna_case.ref), "#afspraak Hek repareren voor 20 november")
    bot.run_once()
    staff_command(bot, last(bot, team, anna_case.ref), "#sluiten")
    bot.run_once()
    closed = store.case(anna_case.id)
    assert closed.status == "closed"
    archive = bot.settings.data_dir / "archive" / anna_case.ref
    assert (archive / "dossier.html").is_file()

    # Export: one owner-only JSON file with everything about Anna and nothing about Bram.
    target = tmp_path / "anna.json"
    assert cli(bot, "privacy", "export", ANNA.upper(), "--to", str(target)) == 0
    assert mode(target) == 0o600
    text = target.read_text(encoding="utf-8")
    doc = json.loads(text)
    anna_refs = sorted(c.ref for c in store.cases() if c.customer.email == ANNA)
    assert doc["address"] == ANNA and sorted(c["ref"] for c in doc["cases"]) == anna_refs
    assert BRAM not in text and "Slagboom" not in text and "Bram" not in text
    assert any(ANNA_SAYS in m["text"] for m in doc["messages"])
    assert any(a["text"] == "Hek repareren" for a in doc["agreements"])
    assert {o["kind"] for o in doc["outgoing"]} >= {"ack", "thanks", "afspraak"}
    assert all(ANNA in o["recipients"] and o["text"] for o in doc["outgoing"])
    assert Counter(r["outcome"] for r in doc["mail_log"])["auto"] == 1  # the out-of-office, in no case
    raws = [base64.b64decode(r["eml_base64"]) for r in doc["raw_messages"]]
    assert len(raws) == 3 + 2  # complaint, compliment, out-of-office; two #commands in her case
    assert any(b"hek.pdf" in r for r in raws)
    assert any(ANNA_AWAY.encode() in r for r in raws)

    bram_before = {c.ref: dossier(store, c) for c in store.cases() if c.customer.email == BRAM}
    before = statistics(store)
    bram_blobs = {row.raw_sha256 for c in store.cases() if c.customer.email == BRAM for row in store.messages(c.id)}
    blobs = bot.settings.data_dir / "blobs"
    assert b"Anna Smit" in stored_bytes(bot) and ANNA_SAYS.encode() in stored_bytes(bot)

    # Erase: Anna is gone from the database file, its log and every data file; the counts stay.
    assert cli(bot, "privacy", "erase", ANNA, "--yes") == 0
    assert statistics(store) == before
    assert {c.ref: dossier(store, c) for c in store.cases() if c.customer.email == BRAM} == bram_before
    assert all((blobs / sha[:2] / sha).is_file() for sha in bram_blobs)
    shared = hashlib.sha256(SHARED_PDF).hexdigest()
    assert (blobs / shared[:2] / shared).is_file()  # Bram's copy of the same bytes stays
    assert not archive.exists()
    everything = stored_bytes(bot)
    for trace in (ANNA, "Anna Smit", ANNA_SAYS, ANNA_AWAY, "Hek repareren", "hek.pdf", "poort zeven", "Slotzin"):
        assert trace.encode() not in everything, trace
    assert ANNA_PDF not in everything

    anna_cases = [c for c in store.cases() if c.ref in anna_refs]
    (pseudonym,) = {c.customer.email for c in anna_cases}
    assert PSEUDONYM.fullmatch(pseudonym) and {c.subject for c in anna_cases} == {ERASED}
    case = store.case(anna_case.id)
    kept = ("category", "level", "urgent", "subject_type", "status", "owner_team", "received_at", "closed_at")
    assert [getattr(case, k) for k in kept] == [getattr(closed, k) for k in kept]
    messages = store.messages(anna_case.id)
    assert messages and {m.text for m in messages} == {ERASED} and all(m.raw_sha256 is None for m in messages)
    assert [a.text for a in store.agreements(anna_case.id)] == [ERASED]
    assert not [t for t in store.timers(anna_case.id) if t.status == "pending"]
    events = store.events(anna_case.id)
    assert events[0].kind == "opened" and events[0].detail["category"] == "complaint"
    assert events[-1].kind == "erased" and events[-1].detail == {"reason": "request"}
    # The event log is append-only again after the erasure.
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE events SET actor = 'x'")
    summary = store.db.execute("SELECT detail_json FROM events WHERE case_id IS NULL AND kind = 'erased'").fetchone()
    assert json.loads(summary[0])["cases"] == 2 and json.loads(summary[0])["blobs"] == 6

    # A second export finds nothing under the address any more.
    assert cli(bot, "privacy", "export", ANNA, "--to", str(target)) == 0
    again = json.loads(target.read_text(encoding="utf-8"))
    assert again["cases"] == [] and again["messages"] == [] and again["raw_messages"] == []
    store.close()


@pytest.mark.integration
def test_erasure_reaches_mail_that_only_names_the_person(bot: Bot) -> None:
    bot.deliver(compose_mail(BRAM, FIRST_LINE, "Slagboom", BRAM_SAYS, cc=ANNA, name="Bram Bakker"))
    bot.run_once()
    store = bot.store()
    (case,) = store.cases()
    assert cli(bot, "privacy", "erase", ANNA, "--yes") == 0
    (message,) = store.messages(case.id)
    # Bram's case and words stay; only Anna's address in his mail becomes a pseudonym.
    assert store.case(case.id).customer.email == BRAM and BRAM_SAYS in message.text
    (cc,) = message.cc
    assert PSEUDONYM.fullmatch(cc) and ANNA not in json.dumps(message.headers, ensure_ascii=False)
    assert (bot.settings.data_dir / "blobs" / message.raw_sha256[:2] / message.raw_sha256).is_file()
    store.close()


@pytest.mark.integration
def test_erase_asks_first_and_never_erases_staff(bot: Bot) -> None:
    bot.deliver(compose_mail(ANNA, FIRST_LINE, "Hek", ANNA_SAYS))
    bot.run_once()
    env = {
        **os.environ,
        "MAILBOT_DB": str(bot.settings.db_path),
        "MAILBOT_RULES": str(bot.settings.rules_path),
    }
    asked = subprocess.run(
        [sys.executable, "-m", "mailbot", "privacy", "erase", ANNA],
        cwd=REPO,
        env=env,
        input="nee\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert asked.returncode == 1 and "nothing erased" in asked.stderr
    assert "1 cases" in asked.stdout and "1 open cases" in asked.stdout
    store = bot.store()
    assert store.cases()[0].customer.email == ANNA
    assert cli(bot, "privacy", "erase", "medewerker1@example.nl", "--yes") == 1
    assert cli(bot, "privacy", "erase", "niet-een-adres", "--yes") == 1
    assert cli(bot, "privacy", "erase", ANNA, "--yes") == 0
    (case,) = store.cases()
    # An open case, anonymised: it stays open for the statistics, but nothing more is sent for it.
    assert case.status == "open" and PSEUDONYM.fullmatch(case.customer.email)
    assert not [t for t in store.timers(case.id) if t.status == "pending"]
    assert {row.status for row in store.outbox(case.id)} <= {"sent", "cancelled"}
    store.close()


@pytest.mark.integration
def test_retention_anonymises_ended_cases_once_a_day(dovecot, smtp_sink, tmp_path: Path, monkeypatch) -> None:
    rules = rules_copy(tmp_path, "  retention_days: 730\n", "  retention_days: 30\n")
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules)
    bot.deliver(compose_mail(ANNA, FIRST_LINE, "Dank", ANNA_THANKS))
    bot.deliver(compose_mail(ANNA, BOT, "Afwezig", ANNA_AWAY, Auto_Submitted="auto-replied"))
    bot.deliver(compose_mail(BRAM, FIRST_LINE, "Slagboom", BRAM_SAYS))
    bot.run_once()
    store = bot.store()
    compliment = next(c for c in store.cases() if c.category.value == "compliment")
    complaint = next(c for c in store.cases() if c.category.value == "complaint")
    assert compliment.status == "closed"
    before = statistics(store)

    # Day 29 after closing: nothing happens.
    bot.clock.advance(timedelta(days=29))
    bot.run_once()
    assert store.case(compliment.id).customer.email == ANNA

    # Day 31: the daemon's purge anonymises the ended compliment; the open complaint is untouched.
    bot.clock.advance(timedelta(days=2))
    daemon = bot.daemon()
    try:
        daemon.run(once=True)
        assert daemon.purged_on == bot.clock.now().astimezone(daemon.services.calendar.zone).date()
        # Once a day: the same daemon does not look again until tomorrow.
        monkeypatch.setattr("mailbot.privacy.purge_expired", lambda *a, **k: pytest.fail("purged twice a day"))
        daemon.run(once=True)
    finally:
        daemon.store.close()
    erased = store.case(compliment.id)
    assert PSEUDONYM.fullmatch(erased.customer.email) and erased.subject == ERASED
    assert (erased.category, erased.status) == (compliment.category, "closed")
    assert erased.received_at == compliment.received_at
    assert store.case(complaint.id).customer.email == BRAM and store.case(complaint.id).subject == "Slagboom"
    assert statistics(store)[:2] == before[:2]  # cases per category/level/status/month, compliments per person
    assert [e.detail["reason"] for e in store.events(compliment.id) if e.kind == "erased"] == ["retention"]
    everything = stored_bytes(bot)
    assert ANNA_THANKS.encode() not in everything and ANNA_AWAY.encode() not in everything
    assert BRAM_SAYS.encode() in everything
    store.close()


@pytest.mark.integration
def test_database_and_data_folder_are_owner_only(bot: Bot) -> None:
    raw = compose_mail(ANNA, FIRST_LINE, "Hek", ANNA_SAYS)
    bot.deliver(with_attachment(raw, "hek.pdf", ANNA_PDF))
    bot.run_once()
    store = bot.store()  # an open connection keeps the -wal and -shm files
    store.db.execute("SELECT count(*) FROM cases").fetchone()
    data, db = bot.settings.data_dir, bot.settings.db_path
    assert mode(data) == 0o700 and mode(data / "blobs") == 0o700
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{db}{suffix}")
        assert path.exists() and mode(path) == 0o600, path
    for path in (data / "blobs").rglob("*"):
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path
    store.close()


# --- configuration and the pure parts ------------------------------------------------------


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("  retention_days: twee jaar\n", "privacy.retention_days must be a whole number of at least 1"),
        ("  retention_days: 0\n", "privacy.retention_days must be a whole number of at least 1"),
        ("  retention_days: 40000\n", "privacy.retention_days must be at most 36500"),
        ("  bewaartermijn: 730\n", "unknown key 'bewaartermijn' in privacy"),
    ],
)
def test_a_bad_privacy_section_is_refused_with_file_and_line(tmp_path: Path, new: str, reason: str) -> None:
    path = rules_copy(tmp_path, "  retention_days: 730\n", new)
    line = path.read_text(encoding="utf-8").splitlines().index(new.rstrip("\n")) + 1
    with pytest.raises(ConfigError) as caught:
        load_rules(path)
    assert (caught.value.source, caught.value.line) == (str(path), line)
    assert reason in caught.value.message


def test_without_a_privacy_section_cases_are_kept(tmp_path: Path) -> None:
    assert load_rules(REPO / "rules.yaml").privacy.retention_days == 730
    assert load_rules(REPO / "examples" / "gemeente" / "rules.yaml").privacy.retention_days == 730
    path = rules_copy(tmp_path, "privacy:\n  retention_days: 730\n", "")
    assert load_rules(path).privacy.retention_days is None


def test_pseudonyms_replace_whole_addresses_only() -> None:
    names = Pseudonyms(staff={"medewerker1@example.nl"})
    anna = names.of("Anna@Example.net")
    assert PSEUDONYM.fullmatch(anna) and names.of("anna@example.net") == anna
    assert names.take("medewerker1@example.nl") == "medewerker1@example.nl"
    text = "Van ANNA@example.net, niet joanna@example.net of anna@example.network"
    assert names.text(text) == f"Van {anna}, niet joanna@example.net of anna@example.network"
    detail = {"to": "anna@example.net", "command": "#afspraak Bel Anna", "status_to": "closed", "urgent": True}
    assert scrub_detail(detail, names, True, None) == {
        "to": anna,
        "command": ERASED,
        "status_to": "closed",
        "urgent": True,
    }


def test_compact_leaves_no_deleted_text_in_the_database_file(tmp_path: Path) -> None:
    from mailbot.store import Store

    path = tmp_path / "mailbot.db"
    store = Store(path)
    store.db.execute("PRAGMA secure_delete = OFF")  # as most SQLite builds have it
    secret = "Slotzin: de sleutel ligt onder de mat bij nummer negen. " * 200
    with store.transaction():
        store.db.execute("CREATE TABLE scratch (t TEXT)")
        store.db.execute("INSERT INTO scratch VALUES (?)", [secret])
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    with store.transaction():
        store.db.execute("DELETE FROM scratch")

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.iterdir())

    assert b"Slotzin" in on_disk()  # deleted, but still in a free page
    assert store.compact()
    assert b"Slotzin" not in on_disk()
    store.close()
