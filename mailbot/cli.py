"""The `mailbot` command: parse arguments, load the configuration, call the daemon.

Imports of the heavy modules happen inside each command, so `mailbot --help` stays fast.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailbot.logs import FORMATS, setup_logging

if TYPE_CHECKING:
    from mailbot.config import Rules, Settings
    from mailbot.models import Case
    from mailbot.store import Store

log = logging.getLogger("mailbot")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every command and its help text."""
    parser = argparse.ArgumentParser(
        prog="mailbot",
        description="Complaint-handling mailbox daemon: reads klacht@/beveiliging@ over IMAP, opens and "
        "threads cases, sends Dutch acknowledgements over SMTP within the policy's deadlines.",
    )
    parser.add_argument("--rules", type=Path, help="rules file (default: $MAILBOT_RULES or rules.yaml)")
    parser.add_argument("--db", type=Path, help="database (default: $MAILBOT_DB or data/mailbot.db)")
    parser.add_argument("--templates", type=Path, help="template folder (default: `templates:` in the rules file)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    parser.add_argument(
        "--log-format",
        choices=FORMATS,
        help="log lines as text or as JSON objects, one per line (default: $MAILBOT_LOG_FORMAT or text)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser("run", help="run the daemon: watch the mailbox, handle mail, send what is due")
    run.add_argument("--once", action="store_true", help="process what is waiting, send what is due, then exit")

    cases = sub.add_parser("cases", help="list cases, show one dossier or export it to the archive")
    cases_sub = cases.add_subparsers(dest="cases_command", required=True, metavar="ACTION")
    listing = cases_sub.add_parser("list", help="all cases, urgent first")
    listing.add_argument("--json", action="store_true", help="print JSON instead of a table")
    listing.add_argument("--status", help="only cases with this status")
    show = cases_sub.add_parser("show", help="one case's dossier: fields, messages, events")
    show.add_argument("ref", help="case reference, such as KL-2026-0001")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    export = cases_sub.add_parser("export", help="archive one case: its mail as .eml, dossier.html/.json, manifest")
    export.add_argument("ref", help="case reference, such as KL-2026-0001")
    export.add_argument("--to", type=Path, help="archive folder (default: archive/ in the data folder)")

    compliments = sub.add_parser("compliments", help="how many compliments each team and person received")
    compliments.add_argument("--json", action="store_true", help="print JSON instead of a table")

    report = sub.add_parser("report", help="the complaint policy's figures over a period (HTML, CSV or JSON)")
    report.add_argument(
        "--from", dest="first", required=True, metavar="YYYY-MM-DD", help="first day: cases received from this day"
    )
    report.add_argument("--to", dest="last", required=True, metavar="YYYY-MM-DD", help="last day, included")
    report.add_argument(
        "--format", choices=("html", "csv", "json"), default="html", help="html (charts, Dutch; default), csv or json"
    )
    report.add_argument(
        "--out", type=Path, metavar="FILE", help="write to this file (readable by its owner only) instead of stdout"
    )

    classify = sub.add_parser("classify", help="show the verdict for one .eml file and the rules that fired")
    classify.add_argument("file", type=Path, help="a message in RFC 5322 (.eml) form")
    classify.add_argument("--json", action="store_true", help="print JSON")

    evaluate = sub.add_parser(
        "eval", help="score the classifier on labelled mail (labels.json): accuracy, confusion, urgency, subject type"
    )
    evaluate.add_argument(
        "dir", type=Path, nargs="?", help="folder with labels.json (default: $MAILBOT_CORPUS or ../shared/corpus-nl)"
    )
    evaluate.add_argument(
        "--part",
        choices=("all", "heldout", "dev"),
        default="all",
        help="of the development corpus: all, the held-out third (never used for tuning) or the rest",
    )
    evaluate.add_argument(
        "--rules-for",
        action="append",
        default=[],
        metavar="PREFIX=FILE",
        help="classify files whose name starts with PREFIX with this rules file (default for the development "
        "corpus: gemeente/=examples/gemeente/rules.yaml); others use --rules",
    )
    evaluate.add_argument("--no-model", action="store_true", help="rules.yaml alone, without the statistical model")
    evaluate.add_argument("--json", action="store_true", help="print JSON")
    evaluate.add_argument("--check", action="store_true", help="exit 1 when a target of issue 10 is missed")

    privacy = sub.add_parser("privacy", help="AVG/GDPR: export or erase what is stored about one person")
    privacy_sub = privacy.add_subparsers(dest="privacy_command", required=True, metavar="ACTION")
    p_export = privacy_sub.add_parser(
        "export", help="everything stored about one address as one JSON file (raw mail base64-encoded)"
    )
    p_export.add_argument("address", help="the person's mail address")
    p_export.add_argument("--to", type=Path, help="write to this file, owner-only (0600), instead of standard output")
    p_erase = privacy_sub.add_parser(
        "erase", help="anonymise one address's cases and remove their mail and texts; statistics stay"
    )
    p_erase.add_argument("address", help="the person's mail address")
    p_erase.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    sub.add_parser("check-config", help="validate rules.yaml, the templates and the environment")

    login = sub.add_parser(
        "login", help="sign the mailbox in with OAuth2 (MAILBOT_OAUTH), store the sign-in, test IMAP and SMTP"
    )
    login.add_argument(
        "provider", choices=("microsoft", "google"), help="microsoft (device code or app secret) or google (browser)"
    )
    login.add_argument(
        "--timeout", type=float, default=300.0, metavar="SECONDS", help="wait this long for the sign-in (default: 300)"
    )
    login.add_argument(
        "--port",
        type=int,
        default=0,
        help="google: the 127.0.0.1 port the browser returns to (default: a free one; fix it to forward it over ssh)",
    )

    status = sub.add_parser(
        "status",
        help="is the daemon alive; outbox, quarantine, deadlines at risk (exit 0 healthy, 1 unhealthy, 2 config error)",
    )
    status.add_argument("--json", action="store_true", help="print JSON instead of text")
    status.add_argument(
        "--strict", action="store_true", help="exit 1 also when mail is parked or quarantined, or a deadline is at risk"
    )
    status.add_argument(
        "--stale-after",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="a daemon silent, or in trouble, this long counts as unhealthy (default: 600)",
    )

    demo = sub.add_parser("demo", help="run a complete demo on loopback IMAP (Dovecot) and SMTP servers")
    demo.add_argument("--keep", action="store_true", help="keep the demo's temporary folder")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = build_parser().parse_args(argv)
    log_format = args.log_format or os.environ.get("MAILBOT_LOG_FORMAT", "").strip().lower() or "text"
    if log_format not in FORMATS:
        print(f"mailbot: MAILBOT_LOG_FORMAT must be text or json, not {log_format!r}", file=sys.stderr)
        return 2
    # The demo tells its own story; its daemon's log lines only with --verbose.
    level = logging.DEBUG if args.verbose else logging.WARNING if args.command == "demo" else logging.INFO
    _setup_logging(level, log_format)
    from mailbot.config import ConfigError

    try:
        if args.command == "demo":
            try:
                from mailbot.demo import run_demo
            except ModuleNotFoundError as exc:
                # The demo's SMTP sink is aiosmtpd, an extra: a plain `pip install mailbot` lacks it.
                if (exc.name or "").partition(".")[0] != "aiosmtpd":
                    raise
                print("mailbot: the demo needs aiosmtpd: pip install 'mailbot[demo]'", file=sys.stderr)
                return 2
            return run_demo(keep=args.keep)
        if args.command == "login":  # needs the environment only, not rules.yaml
            from mailbot.auth.login import login

            return login(args.provider, _settings(args), args.timeout, args.port)
        settings, rules = _load(args)
        handler = {
            "run": _run,
            "cases": _cases,
            "classify": _classify,
            "eval": _eval,
            "check-config": _check_config,
            "compliments": _compliments,
            "report": _report,
            "privacy": _privacy,
            "status": _status,
        }
        return handler[args.command](args, settings, rules)
    except ConfigError as exc:
        print(f"mailbot: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _setup_logging(level: int, log_format: str) -> None:
    setup_logging(level, log_format)
    for noisy in ("imapclient", "aiosmtplib", "mailparser", "mail-parser", "mail.log", "msal", "urllib3"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _load(args: argparse.Namespace) -> tuple[Settings, Rules]:
    from mailbot.config import load_rules

    settings = _settings(args)
    return settings, load_rules(settings.rules_path)


def _settings(args: argparse.Namespace) -> Settings:
    from dataclasses import replace

    from mailbot.config import load_settings

    settings = load_settings()
    if args.rules:
        settings = replace(settings, rules_path=args.rules)
    if args.db:
        settings = replace(settings, db_path=args.db, data_dir=args.db.parent)
    return settings


def _templates(args: argparse.Namespace, rules: Rules) -> Path:
    return Path(args.templates) if args.templates else rules.template_dir


def _run(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from mailbot.clock import SystemClock
    from mailbot.ops.daemon import Daemon
    from mailbot.store import Store

    if settings.imap is None or settings.smtp is None:
        print("mailbot: set MAILBOT_IMAP_URL and MAILBOT_SMTP_URL (see README)", file=sys.stderr)
        return 2
    from mailbot.auth.settings import OAuthError
    from mailbot.mail.compose import TemplateError
    from mailbot.ops.progress import NoProgress, progress_for
    from mailbot.ops.runlock import AlreadyRunning, RunLock
    from mailbot.ops.wiring import build_services

    lock = RunLock(settings.db_path)
    try:
        lock.acquire()
    except AlreadyRunning as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2  # not a failure a restart can cure (the service does not restart on 2)
    # A backlog's progress on stderr for `run --once`; the daemon's log is for its own lines.
    progress = progress_for(sys.stderr) if args.once else NoProgress()
    store = Store(settings.db_path)
    try:
        services = build_services(rules, store, SystemClock(), _templates(args, rules), settings.data_dir)
        daemon = Daemon(settings, services, progress)
        daemon.install_signal_handlers()
        report = daemon.run(once=args.once)
    except TemplateError as exc:
        print(f"mailbot: template error: {exc}", file=sys.stderr)
        return 2
    except OAuthError as exc:
        print(f"mailbot: sign-in failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        from mailbot.ops.daemon import is_connection_error

        if not is_connection_error(exc):
            raise
        # Only `run --once` gets here: the daemon itself reconnects with back-off.
        print(f"mailbot: cannot reach the mail server: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        progress.finish()
        store.close()
        lock.release()
    log.info(
        "done: %d processed, %d quarantined, %d sent, %d send failures",
        report.processed,
        report.quarantined,
        report.sent,
        report.send_failures,
    )
    return 0


def _cases(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from zoneinfo import ZoneInfo

    from mailbot.cases.dossier import case_dict, dossier, render_dossier, render_table
    from mailbot.store import Store

    store = Store(settings.db_path)
    zone = ZoneInfo(rules.calendar.timezone)
    try:
        if args.cases_command == "list":
            cases = store.cases(args.status)
            if args.json:
                print(json.dumps([case_dict(c) for c in cases], ensure_ascii=False, indent=2))
            else:
                print(render_table(cases, zone), end="")
            return 0
        case = store.case_by_ref(args.ref)
        if case is None:
            print(f"mailbot: no case {args.ref}", file=sys.stderr)
            return 1
        if args.cases_command == "export":
            return _export(args, settings, rules, store, case)
        data = dossier(store, case)
        print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else render_dossier(data, zone), end="\n")
        return 0
    finally:
        store.close()


def _export(args: argparse.Namespace, settings: Settings, rules: Rules, store: Store, case: Case) -> int:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from mailbot.cases.archive import ArchiveError, archive_case
    from mailbot.ops.wiring import archive_dir, blob_store

    root = args.to or archive_dir(settings.data_dir)
    blobs = blob_store(settings.data_dir)
    try:
        zone = ZoneInfo(rules.calendar.timezone)
        path = archive_case(store, blobs, case, root, zone, _templates(args, rules), datetime.now(UTC))
    except (ArchiveError, OSError) as exc:
        print(f"mailbot: cannot archive {case.ref}: {exc}", file=sys.stderr)
        return 1
    print(path)
    return 0


def _compliments(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from mailbot.store import Store

    store = Store(settings.db_path)
    try:
        counts = store.compliment_counts()
    finally:
        store.close()
    rows = [
        {
            "team": team,
            "team_name": rules.teams[team].name if team in rules.teams else team,
            "person": person,
            "person_name": rules.person_name(person) if person else None,
            "compliments": n,
        }
        for team, person, n in counts
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for row in rows:
        who = f"{row['person_name']} ({row['team_name']})" if row["person"] else f"{row['team_name']} (team)"
        print(f"{row['compliments']:>5}  {who}")
    print(f"{sum(n for _team, _person, n in counts)} compliment(s)")
    return 0


def _privacy(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    import sqlite3
    from datetime import UTC, datetime

    from mailbot import privacy
    from mailbot.files import write_private
    from mailbot.ops.wiring import archive_dir, blob_store
    from mailbot.store import Store

    store = Store(settings.db_path)
    blobs = blob_store(settings.data_dir)
    now = datetime.now(UTC)
    try:
        if args.privacy_command == "export":
            doc = privacy.export_person(store, blobs, args.address, now)
            text = json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
            if args.to is None:
                print(text, end="")
            else:
                write_private(args.to, text)
                print(f"{args.to}: {len(doc['cases'])} case(s), {len(doc['messages'])} message(s)")
            return 0
        address = privacy.erasable(args.address, rules.staff)
        if not args.yes:
            with store.transaction():
                found = privacy.preview(store, privacy.find_person(store, blobs, address, now))
            if not any(found.values()):
                print(f"nothing is stored about {address}")
                return 0
            print(f"stored about {address}: " + ", ".join(f"{n} {what}" for what, n in found.items()))
            if not _confirmed("Erase all of it for good? Cases stay, anonymised, for the statistics. [y/N] "):
                print("mailbot: nothing erased", file=sys.stderr)
                return 1
        result = privacy.erase_person(
            store, blobs, archive_dir(settings.data_dir), address, rules.staff, datetime.now(UTC)
        )
    except privacy.PrivacyError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.OperationalError) as exc:
        print(f"mailbot: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        store.close()
    print(f"erased {address}: " + ", ".join(f"{n} {what}" for what, n in result.counts().items()))
    if result.cases:
        print("anonymised cases: " + ", ".join(result.cases))
    return 0


def _confirmed(question: str) -> bool:
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes", "j", "ja")


def _report(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from datetime import UTC, datetime

    from mailbot.files import write_private
    from mailbot.reports.kpi import load_report
    from mailbot.reports.model import Period, ReportError, names_from
    from mailbot.reports.render import render
    from mailbot.store import Store

    try:
        period = Period.parse(args.first, args.last, rules.calendar.timezone)
    except ReportError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    store = Store(settings.db_path)
    try:
        report = load_report(store, period, names_from(rules), datetime.now(UTC))
    finally:
        store.close()
    try:
        text = render(report, args.format, _templates(args, rules), rules.organisation)
    except ReportError as exc:
        print(f"mailbot: {exc}", file=sys.stderr)
        return 2
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        # Improvement texts may name people: like the dossiers, readable by the owner only.
        write_private(args.out, text)
    except OSError as exc:
        print(f"mailbot: cannot write {args.out}: {exc.strerror}", file=sys.stderr)
        return 1
    print(args.out)
    return 0


def _classify(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from datetime import UTC, datetime

    from mailbot.intake.classify import classify
    from mailbot.mail.parse import ParseError, parse_mail
    from mailbot.mail.quotes import strip_quoted

    try:
        raw = args.file.read_bytes()
        mail = parse_mail(raw, received_at=datetime.now(UTC), strip=strip_quoted).mail
    except OSError as exc:
        print(f"mailbot: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 1
    except ParseError as exc:
        print(f"mailbot: {args.file} is not a mail message: {exc}", file=sys.stderr)
        return 1
    verdict = classify(mail, rules.classification, rules.addresses, organisation=rules.organisation)
    result = verdict.as_record()
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<13} {', '.join(value) if isinstance(value, list) else value}")
    return 0


def _eval(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from mailbot.config import load_rules
    from mailbot.intake.classify import classify
    from mailbot.intake.judgement.corpus import Label, default_corpus, load_labels, split
    from mailbot.intake.judgement.evaluate import render, run
    from mailbot.models import ParsedMail, Verdict

    folder = args.dir or default_corpus()
    try:
        labels = split(load_labels(folder), args.part)
    except OSError as exc:
        print(f"mailbot: cannot read {folder / 'labels.json'}: {exc.strerror}", file=sys.stderr)
        return 1
    specs = list(args.rules_for)
    gemeente = Path(__file__).resolve().parent.parent / "examples" / "gemeente" / "rules.yaml"
    if not specs and args.dir is None and gemeente.exists():
        specs = [f"gemeente/={gemeente}"]
    by_prefix: list[tuple[str, Rules]] = []
    for spec in specs:
        prefix, _, path = spec.partition("=")
        by_prefix.append((prefix, load_rules(Path(path))))

    def classify_one(mail: ParsedMail, label: Label) -> Verdict:
        chosen = next((r for p, r in by_prefix if label.file.startswith(p)), rules)
        return classify(
            mail,
            chosen.classification,
            chosen.addresses,
            reply_address=chosen.bot_address,
            organisation=chosen.organisation,
            use_model=not args.no_model,
        )

    report = run(folder, labels, classify_one, rules.classification.min_confidence)
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(report))
    return 1 if args.check and report.failures else 0


def _status(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from mailbot.ops.status import CONFIG_ERROR, assess, gather, health_dict, render
    from mailbot.store import Store

    if not settings.db_path.exists():  # opening it would create an empty one
        print(f"mailbot: no database at {settings.db_path} (set MAILBOT_DB or --db)", file=sys.stderr)
        return CONFIG_ERROR
    now = datetime.now(UTC)
    store = Store(settings.db_path)
    try:
        facts = gather(store, rules, now)
    finally:
        store.close()
    health = assess(facts, now, timedelta(seconds=args.stale_after))
    if args.json:
        print(json.dumps(health_dict(health), ensure_ascii=False, indent=2))
    else:
        print(render(health, ZoneInfo(rules.calendar.timezone)), end="")
    return health.exit_code(strict=args.strict)


def _check_config(args: argparse.Namespace, settings: Settings, rules: Rules) -> int:
    from mailbot.mail.compose import TemplateError
    from mailbot.ops.wiring import checked_composer

    try:
        checked_composer(rules, _templates(args, rules))
    except TemplateError as exc:
        print(f"mailbot: template error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{settings.rules_path}: ok ({len(rules.teams)} teams, {len(rules.classification.rules)} rules, "
        f"deadlines: acknowledge {rules.deadlines.acknowledge}, solve {rules.deadlines.solve})"
    )
    missing = [
        name
        for name, value in (("MAILBOT_IMAP_URL", settings.imap), ("MAILBOT_SMTP_URL", settings.smtp))
        if value is None
    ]
    if missing:
        print(f"mailbot: not set: {', '.join(missing)} (needed by `mailbot run`)", file=sys.stderr)
        return 2
    assert settings.imap is not None and settings.smtp is not None
    print(
        f"IMAP: {settings.imap.host}:{settings.imap.port} as {settings.imap.username} "
        f"({'TLS' if settings.imap.ssl else 'plain'}{', XOAUTH2' if settings.imap.xoauth2 else ''})"
    )
    print(
        f"SMTP: {settings.smtp.host}:{settings.smtp.port} ({'TLS' if settings.smtp.ssl else 'STARTTLS if offered'}"
        f"{', XOAUTH2' if settings.smtp.xoauth2 else ''})"
    )
    if settings.oauth is not None:
        print(f"OAuth: {settings.oauth.describe()}")
    print(f"database: {settings.db_path}")
    return 0
