"""Live rules reload: a good edit of rules.yaml or a template takes over, a broken one is refused."""

from __future__ import annotations

import email
import logging
import os
import shutil
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from conftest import REPO, START, Bot
from test_faults import served, wait_until

from mailbot.clock import FrozenClock
from mailbot.config import load_rules
from mailbot.demo import compose_mail
from mailbot.ops.reload import RulesWatch
from mailbot.ops.wiring import Services, build_services
from mailbot.store import Store
from mailbot.testing.servers import Dovecot, SmtpSink

FIRST_LINE = "beveiliging@example.nl"
THANKS = "Dank u dat u de moeite neemt"
NEW_THANKS = "Hartelijk dank dat u de moeite neemt"
COMPLIMENT_RULE = "      phrases: [compliment, complimenten, bedankt,"
# A nonsense word that, once added to the compliment rule, makes a mail a compliment.
WORD = "xylofoon"


def edit(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` as an editor saves (a new file renamed over the old); return its line."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    changed = text.replace(old, new)
    spare = path.with_name(path.name + ".new")
    spare.write_text(changed, encoding="utf-8")
    os.replace(spare, path)
    return changed[: changed.index(new)].count("\n") + 1


def own_rules(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the shipped rules.yaml with its own copy of the templates; (rules, templates)."""
    templates = tmp_path / "templates"
    shutil.copytree(REPO / "templates", templates)
    rules = tmp_path / "rules.yaml"
    text = (REPO / "rules.yaml").read_text(encoding="utf-8")
    rules.write_text(f"templates: {templates}\n{text}", encoding="utf-8")
    return rules, templates


def errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "mailbot.reload" and r.levelno == logging.ERROR]


# --- the watch on its own ---------------------------------------------------------------------


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    rules_path, templates = own_rules(tmp_path)
    rules = load_rules(rules_path)
    store = Store(tmp_path / "data" / "mailbot.db")
    yield build_services(rules, store, FrozenClock(datetime.fromisoformat(START)), templates, tmp_path / "data")
    store.close()


def test_a_good_edit_gives_new_services_and_the_watch_rests_after_it(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="mailbot.reload")
    watch = RulesWatch(services.rules, services.template_dir)
    assert not watch.due()
    edit(tmp_path / "rules.yaml", COMPLIMENT_RULE, f"      phrases: [{WORD}, compliment, complimenten, bedankt,")
    assert watch.due()
    new = watch.reload(services)
    assert new is not None and new is not services
    assert WORD in new.rules.classification.rules[0].phrases
    assert new.store is services.store and new.template_dir == services.template_dir
    assert not watch.due()
    assert "rules reloaded from" in caplog.text
    watch.request()  # SIGHUP: reload even though nothing changed
    assert watch.due()
    assert watch.reload(new) is not None and not watch.due()


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ("      - '^(onbestelbaar|", "      - '^((onbestelbaar|", "regular expression"),
        ("  min_score: 2\n", "  min_score: [2\n", "not valid YAML"),
        ("    product: techniek\n", "    product: techniek2\n", "unknown team 'techniek2'"),
    ],
)
def test_a_broken_rules_file_is_refused_once_with_file_line_and_reason(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture, old: str, new: str, reason: str
) -> None:
    path = tmp_path / "rules.yaml"
    watch = RulesWatch(services.rules, services.template_dir)
    line = edit(path, old, new)
    assert watch.reload(services) is None
    [error] = errors(caplog)
    assert f"{path}:{line}: " in error and reason in error, error
    assert not watch.due()  # reported once, not every few seconds while the file stays broken
    edit(path, new, old)
    assert watch.due() and watch.reload(services) is not None


def test_a_broken_template_is_refused_with_its_file_and_line(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    template = tmp_path / "templates" / "ack_complaint.j2"
    watch = RulesWatch(services.rules, services.template_dir)
    line = edit(template, THANKS, "{% sluit %}" + THANKS)
    assert watch.due() and watch.reload(services) is None
    [error] = errors(caplog)
    assert f"template error: {template}:{line}: " in error and "unknown tag 'sluit'" in error, error


def test_folder_names_wait_for_a_restart_while_the_rest_changes(
    services: Services, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "rules.yaml"
    edit(path, "  processed: Verwerkt\n", "  processed: Afgehandeld\n")
    edit(path, "  keepalive_seconds: 120\n", "  keepalive_seconds: 30\n")
    new = RulesWatch(services.rules, services.template_dir).reload(services)
    assert new is not None
    assert new.rules.mailbox.processed == "Verwerkt" and new.rules.mailbox.keepalive_seconds == 30
    assert "mailbox processed changed; that takes a restart" in caplog.text


def test_a_template_folder_given_on_the_command_line_stays(services: Services, tmp_path: Path) -> None:
    other = tmp_path / "other-templates"
    shutil.copytree(services.template_dir, other)
    pinned = build_services(services.rules, services.store, services.clock, other, services.data_dir)
    watch = RulesWatch(pinned.rules, other)
    edit(tmp_path / "rules.yaml", COMPLIMENT_RULE, f"      phrases: [{WORD}, compliment, complimenten, bedankt,")
    new = watch.reload(pinned)
    assert new is not None and new.template_dir == other
    edit(other / "ack_complaint.j2", THANKS, NEW_THANKS)  # the pinned folder is the one watched
    assert watch.due()


# --- a running daemon -------------------------------------------------------------------------


def reply_to(bot: Bot, customer: str) -> EmailMessage:
    """The one mail the customer got from mailbot, once it came."""
    wait_until(lambda: any(customer in m.rcpt_tos for m in bot.sink.messages), 30, f"mail to {customer}")
    [mail] = [m for m in bot.sink.messages if customer in m.rcpt_tos]
    message = email.message_from_bytes(mail.raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    return message


def text_of(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


@pytest.mark.integration
def test_a_running_daemon_follows_good_edits_and_keeps_its_rules_through_broken_ones(
    dovecot: Dovecot, smtp_sink: SmtpSink, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    rules_path, templates = own_rules(tmp_path)
    bot = Bot(dovecot, smtp_sink, tmp_path / "data", rules_path=rules_path)
    reloads = lambda: caplog.text.count("rules reloaded from")  # noqa: E731
    body = f"Ik vind uw {WORD} kapot en ben ontevreden."
    with served(bot) as run:
        bot.deliver(compose_mail("voor@example.net", FIRST_LINE, "Klacht", body))
        assert THANKS in text_of(reply_to(bot, "voor@example.net"))

        # A changed template text: the next acknowledgement says it.
        edit(templates / "ack_complaint.j2", THANKS, NEW_THANKS)
        wait_until(lambda: reloads() == 1, 30, "template reload")
        bot.deliver(compose_mail("sjabloon@example.net", FIRST_LINE, "Klacht", body))
        assert NEW_THANKS in text_of(reply_to(bot, "sjabloon@example.net"))

        # A bad regular expression, then a YAML syntax error: refused with the line, the daemon
        # goes on with the last good rules (the edited template included).
        line = edit(rules_path, "      - '^(onbestelbaar|", "      - '^((onbestelbaar|")
        wait_until(lambda: len(errors(caplog)) == 1, 30, "refusal of the bad regex")
        assert f"{rules_path}:{line}: " in errors(caplog)[0]
        edit(rules_path, "      - '^((onbestelbaar|", "      - '^(onbestelbaar|")
        line = edit(rules_path, "  min_score: 2\n", "  min_score: [2\n")
        wait_until(lambda: len(errors(caplog)) == 2, 30, "refusal of the YAML error")
        assert f"{rules_path}:{line}: not valid YAML" in errors(caplog)[1]
        bot.deliver(compose_mail("kapot@example.net", FIRST_LINE, "Klacht", body))
        kept = reply_to(bot, "kapot@example.net")
        assert "Ontvangstbevestiging van uw klacht" in kept["Subject"] and NEW_THANKS in text_of(kept)
        assert run.alive

        # The fixed file, with a new phrase for compliments: taken, and the next mail follows it.
        before = reloads()  # one more when the daemon looked between the two edits above
        edit(rules_path, "  min_score: [2\n", "  min_score: 2\n")
        edit(rules_path, COMPLIMENT_RULE, f"      phrases: [{WORD}, compliment, complimenten, bedankt,")
        wait_until(lambda: reloads() > before, 30, "reload of the fixed rules")
        bot.deliver(compose_mail("daarna@example.net", FIRST_LINE, "Mijn ervaring", f"Wat een {WORD}!"))
        assert "Bedankt voor uw compliment" in reply_to(bot, "daarna@example.net")["Subject"]
    assert len(errors(caplog)) == 2
    store = bot.store()
    try:
        categories = {c.customer.email: c.category.value for c in store.cases()}
    finally:
        store.close()
    assert categories == {
        "voor@example.net": "complaint",
        "sjabloon@example.net": "complaint",
        "kapot@example.net": "complaint",
        "daarna@example.net": "compliment",
    }
