"""The fault figures of issue 4: crash safety, mail loops, case hijacking and spoofed staff commands.

    python bench/faults.py                                  # the full run (several minutes)
    python bench/faults.py --mails 60 --kills 10 --rounds 1 # the size tests/test_faults.py runs
    python bench/faults.py --only loops hijack spoofing     # leave out the crash storm

crash (bench/storm.py): 500 mails arrive while `mailbot run` is killed with SIGKILL 100 times;
what was lost, what was handled or sent twice. powercut (bench/powercut.py): the same storm at
half the size, every second kill a power cut (the disk as of mailbot's last durable point).
sending (bench/sending.py): addresses no server
takes, a 550, an exception in the send, IDN and SMTPUTF8 among ordinary mail: what still went
out. loops, hijack, spoofing (bench/defences.py): the
hostile mail of tests/attacks.py, each attack made ``--rounds`` times by fresh addresses, over a
private Dovecot and SMTP sink as well; what got through. Prints the figures and a table of every
guarantee, writes them as JSON with --json, and exits 1 when a guarantee was broken.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # run as a script: make `bench` importable as a package
    sys.path.insert(0, str(REPO))

from bench.defences import (  # noqa: E402
    TURNS,
    HijackFigures,
    LoopFigures,
    SpoofFigures,
    hijack,
    loops,
    quiet,
    servers,
    spoofing,
)
from bench.powercut import PowerCutResult, PowerCutStorm  # noqa: E402
from bench.powercut import render as render_powercut  # noqa: E402
from bench.sending import SendingFigures, sending  # noqa: E402
from bench.sending import render as render_sending  # noqa: E402
from bench.storm import USER, CrashStorm, StormResult  # noqa: E402
from bench.storm import render as render_storm  # noqa: E402
from mailbot.testing.servers import Dovecot, SmtpSink, find_dovecot  # noqa: E402

SECTIONS = ("crash", "powercut", "sending", "loops", "hijack", "spoofing")
Figures = StormResult | SendingFigures | LoopFigures | HijackFigures | SpoofFigures  # PowerCutResult is a StormResult


@dataclass(frozen=True)
class Check:
    """One guarantee: the figure, what it must be, and whether it is."""

    section: str
    figure: str
    value: str
    must: str
    met: bool


def checks(name: str, f: Figures) -> list[Check]:
    """The guarantees one section's figures are held to."""
    if isinstance(f, StormResult):
        cuts = []
        if isinstance(f, PowerCutResult):
            cuts = [
                Check(name, "power cuts made", str(f.cuts), ">= 1", f.cuts >= 1),
                Check(
                    name,
                    "blobs named but missing or damaged",
                    str(f.blobs_named_missing),
                    "0",
                    f.blobs_named_missing == 0,
                ),
            ]
        return [
            *cuts,
            Check(name, "mails lost", str(f.lost), "0", f.lost == 0),
            Check(name, "mails in more than one case", str(f.in_two_cases), "0", f.in_two_cases == 0),
            Check(name, "customers not acknowledged", str(f.not_acknowledged), "0", f.not_acknowledged == 0),
            Check(
                name,
                "customers acknowledged twice (distinct Message-IDs)",
                str(f.duplicate_acknowledgements),
                "0",
                f.duplicate_acknowledgements == 0,
            ),
            # A kill between the SMTP server's 250 and the outbox's commit leaves the mail in doubt:
            # it is looked for at the server (its Bcc copy) and not sent again (sentcheck.py).
            Check(name, "acknowledgements delivered twice (same Message-ID)", str(f.resent), "0", f.resent == 0),
            Check(name, "any mail delivered twice (same Message-ID)", str(f.smtp_resent), "0", f.smtp_resent == 0),
            Check(name, "all guarantees of the storm", "OK" if f.ok else "FAILED", "OK", f.ok),
        ]
    if isinstance(f, SendingFigures):
        return [
            Check(name, "ordinary mail sent", f"{f.good_acknowledged}/{f.good}", "all", f.good_acknowledged == f.good),
            Check(name, "daemon runs that raised", str(f.runs_that_raised), "0", f.runs_that_raised == 0),
            Check(
                name,
                "bad addresses and failures parked with the reason",
                f"{f.utf8_parked_with_reason + f.refused_parked_with_reason + f.exceptions_parked}/"
                f"{f.utf8_without_smtputf8 + f.refused + f.exceptions}",
                "all",
                f.utf8_parked_with_reason + f.refused_parked_with_reason + f.exceptions_parked
                == f.utf8_without_smtputf8 + f.refused + f.exceptions,
            ),
            Check(
                name,
                "internationalised addresses delivered",
                f"{f.idn_delivered_as_punycode + f.utf8_delivered}/{f.idn + f.utf8_with_smtputf8}",
                "all",
                f.idn_delivered_as_punycode + f.utf8_delivered == f.idn + f.utf8_with_smtputf8,
            ),
            Check(
                name,
                "failures told to the coordinator",
                str(f.failures_listed),
                str(f.utf8_without_smtputf8 + f.refused + f.exceptions),
                f.failures_listed == f.utf8_without_smtputf8 + f.refused + f.exceptions,
            ),
            Check(
                name, "delivered twice (same Message-ID)", str(f.duplicate_deliveries), "0", f.duplicate_deliveries == 0
            ),
        ]
    if isinstance(f, LoopFigures):
        most = max(f.exchanged.values())
        return [
            Check(name, "messages exchanged per loop (most)", str(most), "<= 2", most <= 2),
            Check(
                name,
                "auto-replies sent to automatic mail",
                str(f.replies_to_automatic),
                "0",
                f.replies_to_automatic == 0,
            ),
            Check(
                name, "cases opened by automatic mail", str(f.cases_from_automatic), "0", f.cases_from_automatic == 0
            ),
        ]
    if isinstance(f, HijackFigures):
        joined = sum(f.joined.values())
        return [
            Check(name, "strangers who joined a foreign case", str(joined), "0", joined == 0),
            Check(
                name,
                "customers' own replies that joined",
                f"{f.genuine_joined}/{f.genuine}",
                "all",
                f.genuine_joined == f.genuine,
            ),
        ]
    obeyed = sum(f.obeyed.values())
    return [
        Check(name, "spoofed commands obeyed", str(obeyed), "0", obeyed == 0),
        Check(name, "genuine commands obeyed", f"{f.genuine_obeyed}/{f.genuine}", "all", f.genuine_obeyed == f.genuine),
    ]


def render(name: str, f: Figures) -> str:
    """One section's figures, as the report quotes them."""
    if isinstance(f, PowerCutResult):
        return render_powercut(f)
    if isinstance(f, StormResult):
        return render_storm(f)
    if isinstance(f, SendingFigures):
        return render_sending(f)
    if isinstance(f, LoopFigures):
        per_kind = ", ".join(f"{kind} {n}" for kind, n in f.exchanged.items())
        return "\n".join(
            [
                f"Mail loops: {f.loops} customers whose responder answers every mail mailbot sends, "
                f"for {TURNS} turns ({len(f.exchanged)} kinds); {f.automatic} automatic mails in all",
                f"  messages exchanged per loop, most   {per_kind}",
                f"  auto-replies sent to automatic mail {f.replies_to_automatic}",
                f"  cases opened by automatic mail      {f.cases_from_automatic}",
            ]
        )
    if isinstance(f, HijackFigures):
        width = max(map(len, f.attempts))
        return "\n".join(
            [
                f"Case hijacking: {sum(f.attempts.values())} attempts on another customer's case "
                "(joined a foreign case / attempts)",
                *(f"  {kind:<{width}}  {f.joined[kind]} / {n}" for kind, n in f.attempts.items()),
                f"  kept apart as a new case linked to the one they named: {f.linked}",
                f"  control: the customers' own replies (by tag, by reference) that joined: "
                f"{f.genuine_joined} / {f.genuine}",
            ]
        )
    width = max(map(len, f.attempts))
    return "\n".join(
        [
            f"Spoofed staff commands: {sum(f.attempts.values())} times `#opgelost` + `#sluiten` from a staff "
            "address without our server's pass (obeyed / attempts)",
            *(f"  {kind:<{width}}  {f.obeyed[kind]} / {n}" for kind, n in f.attempts.items()),
            f"  refused for the expected reason (the case's event log): {f.refused_with_reason}",
            f"  control: genuine commands obeyed: {f.genuine_obeyed} / {f.genuine}",
        ]
    )


def table(rows: list[Check]) -> str:
    """Every guarantee in one table."""
    width = max(len(f"{r.section}: {r.figure}") for r in rows)
    lines = [f"{'guarantee':<{width}}  {'value':>7}  {'must be':<7}"]
    for r in rows:
        lines.append(
            f"{r.section + ': ' + r.figure:<{width}}  {r.value:>7}  {r.must:<7}  {'ok' if r.met else 'BROKEN'}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the sections at full size (or as asked); print the figures; exit 1 when a guarantee was broken."""
    parser = argparse.ArgumentParser(prog="bench/faults.py", description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=500, help="mails delivered during the storm (default 500)")
    parser.add_argument("--kills", type=int, default=100, help="SIGKILLs (default 100)")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the corpus and the kill moments")
    parser.add_argument(
        "--life",
        type=float,
        nargs=2,
        default=(0.3, 3.0),
        metavar=("MIN", "MAX"),
        help="a random life lasts between MIN and MAX seconds (default 0.3 3.0)",
    )
    parser.add_argument(
        "--rounds", type=int, default=10, help="times each loop, hijack and spoof attack is made (default 10)"
    )
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS, help="run only these sections")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder (mailboxes, databases, logs)")
    args = parser.parse_args(argv)
    binary = find_dovecot()
    if binary is None:
        raise SystemExit("bench/faults.py: dovecot not found: apt-get install dovecot-imapd (./run does this)")
    root = Path(tempfile.mkdtemp(prefix="mb-faults-"))
    results: dict[str, Figures] = {}
    try:
        # The power-cut storm is half the size: every second kill there is a power cut.
        storms = (("crash", CrashStorm, 1, 0), ("powercut", PowerCutStorm, 2, 1))
        for name, storm, share, seed in storms:
            if name not in args.only:
                continue
            # The sink delivers the Bcc copies for the bot's own address into its mailbox, as the
            # organisation's mail server would (sentcheck.py); the rest it only records.
            with Dovecot(root / f"dovecot-{name}", binary=binary) as dovecot, SmtpSink(dovecot, local={USER}) as sink:
                results[name] = storm(
                    dovecot,
                    sink,
                    root / f"work-{name}",
                    mails=max(10, args.mails // share),
                    kills=max(2, args.kills // share),
                    seed=args.seed + seed,
                    life=tuple(args.life),
                ).run()
        if "sending" in args.only:
            with quiet():
                results["sending"] = sending(binary, root / "sending", args.rounds)
        for name, section in (("loops", loops), ("hijack", hijack), ("spoofing", spoofing)):
            if name in args.only:
                with servers(binary, root / name) as bot, quiet():
                    results[name] = section(bot, args.rounds)
    finally:
        if args.keep:
            print(f"bench/faults.py: kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    rows = [check for name, figures in results.items() for check in checks(name, figures)]
    print("\n\n".join([*(render(name, figures) for name, figures in results.items()), table(rows)]))
    ok = all(row.met for row in rows)
    if args.json:
        doc: dict[str, Any] = {name: {**asdict(figures), "ok": figures.ok} for name, figures in results.items()}
        doc |= {"checks": [asdict(row) for row in rows], "ok": ok}
        args.json.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
