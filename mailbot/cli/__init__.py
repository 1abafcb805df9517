"""The `mailbot` command: parse arguments, load the configuration, call the daemon.

Layout: ``program.py`` holds the global options, ``main()`` and ``COMMANDS``, the list of command
modules in the order ``mailbot --help`` shows them; ``base.py`` turns the global options into
settings and rules. Each other module is one command (or a close pair, as classify and eval):
its arguments beside its handler.

To add a command, say ``mailbot check-auth``:

1. Write ``mailbot/cli/check_auth.py`` with ``register(commands: Subcommands) -> None``, which adds
   the parser with a help text for the command and each argument and ends with
   ``parser.set_defaults(handler=handle)``, and ``handle(args) -> int``, which returns the exit
   code (call ``base.load(args)`` for the settings and rules).
2. In ``program.py``, import ``check_auth`` and add it to ``COMMANDS`` where `--help` should list it.

Keep heavy imports inside ``handle``, so `mailbot --help` stays fast.
"""

from mailbot.cli.program import build_parser, main

__all__ = ["build_parser", "main"]
