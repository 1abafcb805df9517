"""The case archive: .eml files byte for byte, an escaped HTML dossier, JSON, manifest, atomic replace."""

from __future__ import annotations

import email
import hashlib
import json
import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from email.policy import default
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from conftest import mode, run_mailbot, with_attachment
from markupsafe import escape

from mailbot.cases.archive import ArchiveError, ArchiveQueue, archive_case
from mailbot.cases.dossier import dossier
from mailbot.clock import iso
from mailbot.demo import compose_mail
from mailbot.models import Address, Case, Category, Level, OutgoingMail, SubjectType
from mailbot.store import Store
from mailbot.store.blobs import BlobStore

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
ZONE = ZoneInfo("Europe/Amsterdam")
BOT = "klacht@example.nl"
FIRST_LINE = "beveiliging@example.nl"
CUSTOMER = "klant@example.net"
HOSTILE = "<script>alert(1)</script>"
COMPLAINT = f"Onze camera is kapot {HOSTILE} en de monteur is niet gekomen. Ik ben ontevreden."
REPLY = "Aanvulling: de camera geeft nu ook een foutcode E42."
EML_NAME = re.compile(r"\d{3}-(in-(customer|staff|system)|out-[a-z0-9_-]+)\.eml")


def eml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.eml"))


def assert_private(folder: Path) -> None:
    assert mode(folder) == 0o700
    for path in folder.iterdir():
        assert path.is_file() and mode(path) == 0o600, path


def assert_manifest_true(folder: Path) -> dict:
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["name"]: f for f in manifest["files"]}
    assert set(listed) | {"manifest.json"} == {p.name for p in folder.iterdir()}
    for name, entry in listed.items():
        body = (folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(body).hexdigest() and entry["size"] == len(body), name
    return manifest


def complaint_and_reply(bot) -> None:
    """A complaint with an attachment, its acknowledgement, and a reply quoting it two hours later."""
    raw = compose_mail(CUSTOMER, FIRST_LINE, f"Camera kapot {HOSTILE}", COMPLAINT, name="Klant & Zoon")
    bot.deliver(with_attachment(raw, "foto-camera.pdf", b"%PDF-1.4 not really a pdf\n"))
    bot.run_once()
    (ack,) = bot.received(CUSTOMER)
    bot.clock.advance(timedelta(hours=2))
    quoted = "\n".join(f"> {line}" for line in ack.get_body(("plain",)).get_content().splitlines())
    bot.deliver(
        compose_mail(
            CUSTOMER,
            BOT,
            f"Re: {ack['Subject']}",
            f"{REPLY}\n\nOp ma 2 nov 2026 om 09:00 schreef Veilig & Zeker Beveiliging B.V. <{BOT}>:\n{quoted}",
            in_reply_to=ack["Message-ID"],
        )
    )
    bot.run_once()


@pytest.mark.integration
def test_archive_holds_every_mail_byte_for_byte_and_an_escaped_dossier(bot, tmp_path: Path) -> None:
    complaint_and_reply(bot)
    store = bot.store()
    (case,) = store.cases()
    blobs = BlobStore(bot.settings.data_dir / "blobs")
    root = tmp_path / "archive"

    folder = archive_case(store, blobs, case, root, ZONE, TEMPLATES, bot.clock.now())

    assert folder == root / case.ref
    assert mode(root) == 0o700
    assert_private(folder)
    emls = eml_files(folder)
    assert all(EML_NAME.fullmatch(p.name) for p in emls), [p.name for p in emls]
    incoming = [p for p in emls if "-in-" in p.name]
    outgoing = [p for p in emls if "-out-" in p.name]
    # What klacht@ received, exactly as Dovecot holds it; what the bot sent, exactly as the SMTP server got it.
    assert sorted(p.read_bytes() for p in incoming) == sorted(bot.dovecot.fetch_all(BOT, "Verwerkt"))
    assert len(incoming) == 2
    sent = [m.raw for m in bot.sink.messages]
    assert sorted(p.read_bytes() for p in outgoing) == sorted(sent) and len(outgoing) >= 2
    assert [p.name for p in emls] == [f"{n:03d}-{p.name[4:]}" for n, p in enumerate(emls, start=1)]

    manifest = assert_manifest_true(folder)
    assert manifest["ref"] == case.ref and manifest["archived_at"] == iso(bot.clock.now())
    assert manifest["missing"] == []
    about = {f["name"]: f for f in manifest["files"]}
    # Numbered in time order: the complaint, what it caused, then the reply two hours later.
    names = [p.name for p in emls]
    reply = names.index(incoming[1].name)
    assert names[0] == "001-in-customer.eml" and incoming[1].name.endswith("-in-customer.eml")
    assert {about[n]["kind"] for n in names[1:reply]} == {"ack", "notify"}
    assert all(about[n]["sent_at"] == iso(bot.clock.now()) for n in names[reply + 1 :])
    for path in emls:
        parsed = email.message_from_bytes(path.read_bytes(), policy=default)
        assert parsed["Message-ID"] == about[path.name]["message_id"]
    assert {about[p.name]["status"] for p in outgoing} == {"sent"}
    assert {about[p.name]["kind"] for p in outgoing} >= {"ack", "notify"}
    first = email.message_from_bytes(emls[0].read_bytes(), policy=default)
    assert [a.get_filename() for a in first.iter_attachments()] == ["foto-camera.pdf"]

    data = dossier(store, case)
    assert json.loads((folder / "dossier.json").read_text(encoding="utf-8")) == data

    page = (folder / "dossier.html").read_text(encoding="utf-8")
    assert f"Dossier {case.ref}" in page
    assert [m["stripped_text"] for m in data["messages"]] == [COMPLAINT, REPLY]
    for text in (COMPLAINT, REPLY):
        assert f"<pre>{escape(text)}</pre>" in page
    assert "<script" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Klant &amp; Zoon" in page and "foto-camera.pdf" in page
    for heading in ("Klant", "Ontvangen", "Berichten", "Uitgaande post", "Tijdlijn"):
        assert heading in page
    for event in data["events"]:
        assert f"<td>{event['kind']}</td>" in page
    assert "2026-11-02 09:00" in page and "2026-11-02 11:00" in page  # local times, not UTC
    assert "Wij hebben uw klacht ontvangen" in page  # the text of the acknowledgement that was sent
    for path in emls:
        assert f'<a href="{path.name}">' in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    store.close()


@pytest.mark.integration
def test_export_again_replaces_the_archive_cleanly(bot, tmp_path: Path) -> None:
    complaint_and_reply(bot)
    store = bot.store()
    (case,) = store.cases()
    blobs = BlobStore(bot.settings.data_dir / "blobs")
    root = tmp_path / "archive"
    folder = archive_case(store, blobs, case, root, ZONE, TEMPLATES, bot.clock.now())
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    (folder / "stray.txt").write_text("left from before")

    later = bot.clock.now() + timedelta(days=1)
    again = archive_case(store, blobs, case, root, ZONE, TEMPLATES, later)

    assert again == folder
    assert [p.name for p in root.iterdir()] == [case.ref]  # no temporary or old folders left
    after = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert set(after) == set(before)  # the stray file went with the old archive
    for name in before:
        if name.endswith(".eml") or name == "dossier.json":
            assert after[name] == before[name], name
    assert assert_manifest_true(folder)["archived_at"] == iso(later)
    assert_private(folder)
    store.close()


@pytest.mark.integration
def test_cli_export_prints_the_folder_and_rejects_an_unknown_ref(bot, tmp_path: Path) -> None:
    complaint_and_reply(bot)
    env = bot.environment()
    store = bot.store()
    (case,) = store.cases()
    expected = archive_case(
        store, BlobStore(bot.settings.data_dir / "blobs"), case, tmp_path / "own", ZONE, TEMPLATES, bot.clock.now()
    )
    store.close()

    result = run_mailbot("cases", "export", case.ref, env=env)
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip())
    assert folder == bot.settings.data_dir / "archive" / case.ref
    assert_private(folder)
    assert_manifest_true(folder)
    assert [p.name for p in eml_files(folder)] == [p.name for p in eml_files(expected)]
    for path in eml_files(expected):
        assert (folder / path.name).read_bytes() == path.read_bytes()
    shown = run_mailbot("cases", "show", case.ref, "--json", env=env)
    assert json.loads((folder / "dossier.json").read_text(encoding="utf-8")) == json.loads(shown.stdout)

    chosen = tmp_path / "elders"
    result = run_mailbot("cases", "export", case.ref.lower(), "--to", str(chosen), env=env)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == chosen / case.ref and (chosen / case.ref / "dossier.html").is_file()

    unknown = run_mailbot("cases", "export", "KL-1999-9999", "--to", str(tmp_path / "niets"), env=env)
    assert unknown.returncode == 1 and "no case KL-1999-9999" in unknown.stderr
    assert not (tmp_path / "niets").exists()


# --- without servers: a case put together in the database ---------------------------------------

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def make_case(tmp_path: Path, blob: bool = True) -> tuple[Store, BlobStore, Case]:
    store, blobs = Store(tmp_path / "db" / "mailbot.db"), BlobStore(tmp_path / "blobs")
    raw = compose_mail(CUSTOMER, BOT, f"Kapot {HOSTILE}", COMPLAINT)
    digest = blobs.put(raw) if blob else hashlib.sha256(raw).hexdigest()
    case = Case(
        id=0,
        ref="KL-2026-0007",
        category=Category.COMPLAINT,
        level=Level.FIRST_LINE,
        urgent=False,
        subject_type=SubjectType.PRODUCT,
        status="open",
        customer=Address(CUSTOMER, f"Naam {HOSTILE}"),
        subject=f"Kapot {HOSTILE}",
        owner_team="techniek",
        owner_email=None,
        received_at=NOW,
        ack_due=None,
        ack_sent_at=None,
        solution_due=None,
        answered=False,
    )
    case_id = store.insert_case(case, NOW)
    store.insert_message(
        {
            "case_id": case_id,
            "key": "<a@example.net>",
            "message_id": "<a@example.net>",
            "direction": "in",
            "role": "customer",
            "from_email": CUSTOMER,
            "to_json": json.dumps([BOT]),
            "cc_json": "[]",
            "subject": f"Kapot {HOSTILE}",
            "date": iso(NOW),
            "text": COMPLAINT,
            "stripped": COMPLAINT,
            "headers_json": "{}",
            "attachments_json": json.dumps(
                [{"filename": f"{HOSTILE}.pdf", "content_type": "x", "size": 1, "sha256": "0" * 64}]
            ),
            "raw_sha256": digest,
            "created_at": iso(NOW),
        }
    )
    store.add_event(case_id, "opened", "system", NOW, note=HOSTILE, ack_due=iso(NOW + timedelta(days=3)))
    out = OutgoingMail(
        "ack", "<out@example.nl>", BOT, (CUSTOMER,), "Ontvangen", b"Subject: x\r\n\r\nhoi\r\n", NOW, True
    )
    store.enqueue(out, case_id, NOW)
    return store, blobs, store.case(case_id)


def test_pending_mail_is_archived_with_its_status_and_html_is_escaped(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    folder = archive_case(store, blobs, case, tmp_path / "archive", ZONE, TEMPLATES, NOW)
    assert [p.name for p in eml_files(folder)] == ["001-in-customer.eml", "002-out-ack.eml"]
    assert (folder / "002-out-ack.eml").read_bytes() == b"Subject: x\r\n\r\nhoi\r\n"
    about = {f["name"]: f for f in assert_manifest_true(folder)["files"]}
    assert about["002-out-ack.eml"]["status"] == "pending"
    page = (folder / "dossier.html").read_text(encoding="utf-8")
    assert "<script" not in page and page.count("&lt;script&gt;") >= 5  # subject, name, text, attachment, event
    assert "ack_due: 2026-11-05 09:00" in page  # a stored UTC moment in the timeline, in local time


def test_missing_raw_message_is_named_in_manifest_and_dossier(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path, blob=False)
    folder = archive_case(store, blobs, case, tmp_path / "archive", ZONE, TEMPLATES, NOW)
    assert [p.name for p in eml_files(folder)] == ["001-out-ack.eml"]
    (gone,) = assert_manifest_true(folder)["missing"]
    assert gone["message_id"] == "<a@example.net>" and "not in the blob store" in gone["reason"]
    assert "ontbreekt" in (folder / "dossier.html").read_text(encoding="utf-8")


def test_a_failed_export_leaves_the_earlier_archive_alone(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    root = tmp_path / "archive"
    folder = archive_case(store, blobs, case, root, ZONE, TEMPLATES, NOW)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "dossier.html.j2").write_text("{{ case.no_such_field }}")
    with pytest.raises(ArchiveError, match=r"dossier\.html\.j2"):
        archive_case(store, blobs, case, root, ZONE, broken, NOW)
    with pytest.raises(ArchiveError, match="unsafe"):
        archive_case(store, blobs, replace(case, ref="../KL-2026-0007"), root, ZONE, TEMPLATES, NOW)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in root.iterdir()] == [case.ref]


# --- archived after the commit that finished the case (ArchiveQueue) -------------------------------


def test_a_queued_case_is_archived_once_when_the_pipeline_says_so(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    root = tmp_path / "archive"
    queue = ArchiveQueue(store, blobs, root, ZONE, TEMPLATES)
    queue.add(case.id)
    queue.add(case.id)  # closed and then given its improvement form in one transaction: one archive
    assert not root.exists(), "nothing is written before the commit"
    queue.archive_pending(NOW)
    assert_manifest_true(root / case.ref)
    assert queue.pending() == frozenset()
    (root / case.ref / "dossier.html").unlink()
    queue.archive_pending(NOW + timedelta(minutes=1))  # the next transaction finished nothing
    assert not (root / case.ref / "dossier.html").exists()


def test_what_a_rolled_back_transaction_queued_is_forgotten(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    queue = ArchiveQueue(store, blobs, tmp_path / "archive", ZONE, TEMPLATES)
    queue.add(case.id)
    queue.forget()
    queue.archive_pending(NOW)
    assert not (tmp_path / "archive").exists()


def test_a_failing_archive_is_recorded_for_the_coordinator_and_stops_nothing(tmp_path: Path) -> None:
    store, blobs, case = make_case(tmp_path)
    broken = tmp_path / "templates"
    broken.mkdir()
    (broken / "dossier.html.j2").write_text("{{ case.no_such_field }}")
    queue = ArchiveQueue(store, blobs, tmp_path / "archive", ZONE, broken)
    queue.add(case.id)
    queue.archive_pending(NOW)  # does not raise: the mail that closed the case stays handled
    [failed] = [e for e in store.events(case.id) if e.kind == "archive-failed"]
    assert failed.actor == "system" and "dossier.html.j2" in failed.detail["error"]
    assert queue.pending() == frozenset() and not (tmp_path / "archive" / case.ref).exists()
