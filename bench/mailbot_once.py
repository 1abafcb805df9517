"""`mailbot run --once` timed from inside its own process (a standalone script, run as a subprocess).

Imports mailbot's modules first, then times ``mailbot.cli.main(["run", "--once"])``: the real command
with the MAILBOT_* environment the caller set, from loading rules.yaml through the IMAP login, every
message, the moves and the SMTP session to the exit. Interpreter start-up and imports are left out,
as in bench/raw_limit.py. Prints one JSON line. With ``--profile FILE`` the call runs under cProfile
and the statistics go to FILE (binary) and FILE.txt (top entries by cumulative and by own time).
"""

from __future__ import annotations

import argparse
import io
import json
import time


def main() -> None:
    """Command line: run once, print {"seconds", "exit"} as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", help="write cProfile statistics here")
    args = parser.parse_args()

    import aiosmtplib  # noqa: F401  (imports are not timed, as in the raw limit)
    import imapclient  # noqa: F401
    import mailparser  # noqa: F401

    import mailbot.cli
    import mailbot.mail.send
    import mailbot.ops.daemon

    command = ["run", "--once"]
    started = time.perf_counter()
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        code = profiler.runcall(mailbot.cli.main, command)
        seconds = time.perf_counter() - started
        profiler.dump_stats(args.profile)
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        with open(f"{args.profile}.txt", "w", encoding="utf-8") as out:
            out.write(text.getvalue())
    else:
        code = mailbot.cli.main(command)
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "exit": code}))


if __name__ == "__main__":
    main()
