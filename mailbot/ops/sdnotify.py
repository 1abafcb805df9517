"""systemd's notify protocol (sd_notify(3)): one datagram of ``KEY=value`` lines to $NOTIFY_SOCKET.

The protocol is a few lines; a library for it would pull in more than it saves.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("mailbot.sdnotify")


def notify(*lines: str, environ: Mapping[str, str] | None = None) -> bool:
    """Send ``READY=1``, ``WATCHDOG=1``, ``STATUS=…`` and the like to systemd, as one datagram.

    Returns False when not run by systemd (no $NOTIFY_SOCKET) or when the send fails: the
    service manager missing a message must never stop the mail.
    """
    env = os.environ if environ is None else environ
    address = env.get("NOTIFY_SOCKET", "")
    if not address or not lines:
        return False
    if address.startswith("@"):  # Linux's abstract namespace: a leading NUL byte instead of a path
        address = "\0" + address[1:]
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
            sock.connect(address)
            sock.sendall("\n".join(lines).encode("utf-8", "replace"))
    except OSError as exc:
        log.debug("sd_notify to %s failed: %s", env.get("NOTIFY_SOCKET"), exc)
        return False
    return True


def watchdog_seconds(environ: Mapping[str, str] | None = None) -> float | None:
    """The watchdog interval systemd expects WATCHDOG=1 within (WatchdogSec=), or None when off.

    $WATCHDOG_PID, when set, names the process meant; any other process must not ping.
    """
    env = os.environ if environ is None else environ
    usec, pid = env.get("WATCHDOG_USEC", ""), env.get("WATCHDOG_PID", "")
    if not usec.isdigit() or int(usec) == 0 or not env.get("NOTIFY_SOCKET"):
        return None
    if pid and (not pid.isdigit() or int(pid) != os.getpid()):
        return None
    return int(usec) / 1_000_000
