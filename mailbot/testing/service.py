"""What the development servers share: loopback, a free port, start/stop as a context manager."""

from __future__ import annotations

import socket
from typing import Self

LOOPBACK = "127.0.0.1"


class DevServerError(RuntimeError):
    """A development mail server is missing or could not start."""


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that is free right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


class Service:
    """Context-manager protocol for a server with start() and stop()."""

    def start(self) -> None:
        """Start the server and wait until it answers."""
        raise NotImplementedError

    def stop(self) -> None:
        """Stop the server; safe to call twice."""
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
