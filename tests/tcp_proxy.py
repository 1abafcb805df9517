"""A TCP proxy on loopback that can stall or silently drop its connections, for fault tests."""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field
from typing import Self

from mailbot.testing.servers import LOOPBACK, free_port

CHUNK = 65536


@dataclass(eq=False)
class _Link:
    """One client connection and its connection to the target."""

    client: socket.socket
    upstream: socket.socket
    blackholed: bool = False
    threads: list[threading.Thread] = field(default_factory=list)

    def close(self) -> None:
        for sock in (self.client, self.upstream):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


class TcpProxy:
    """Listens on 127.0.0.1:``port`` and forwards every connection to ``target_host:target_port``.

    - ``blackhole()``: the connections open now go silent, as after a NAT entry expired or a
      cable was pulled: whatever either side sends is thrown away and nothing is closed, so
      neither side hears of it. Connections made afterwards work normally.
    - ``pause()`` / ``resume()``: nothing flows in either direction and new connections wait
      for their greeting; data is held, not lost, and flows again on ``resume()``.
    - ``stop()`` closes everything.
    """

    host = LOOPBACK

    def __init__(self, target_port: int, target_host: str = LOOPBACK, port: int = 0) -> None:
        self.target = (target_host, target_port)
        self.port = port or free_port()
        self.accepted = 0  # connections accepted so far
        self._links: list[_Link] = []
        self._lock = threading.Lock()
        self._flowing = threading.Event()
        self._flowing.set()
        self._listener: socket.socket | None = None
        self._acceptor: threading.Thread | None = None

    def start(self) -> None:
        """Listen and forward, in background threads."""
        listener = socket.create_server((self.host, self.port), reuse_port=False)
        self._listener = listener
        self._acceptor = threading.Thread(target=self._accept_loop, args=(listener,), daemon=True)
        self._acceptor.start()

    def stop(self) -> None:
        """Close the listener and every connection; safe to call twice."""
        self._flowing.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        if self._acceptor is not None:
            self._acceptor.join(timeout=5)
            self._acceptor = None
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def url(self, target_url: str) -> str:
        """``target_url`` (such as Dovecot.url(user)) with its port changed to the proxy's."""
        old = f"{self.target[0]}:{self.target[1]}"
        if old not in target_url:
            raise ValueError(f"{target_url!r} does not name {old}")
        return target_url.replace(old, f"{self.host}:{self.port}", 1)

    def blackhole(self) -> int:
        """Silence every open connection without closing it; return how many there were."""
        with self._lock:
            live = [link for link in self._links if not link.blackholed]
            for link in live:
                link.blackholed = True
        return len(live)

    def pause(self) -> None:
        """Stop all traffic (held, not lost) until ``resume()``."""
        self._flowing.clear()

    def resume(self) -> None:
        """Let held traffic flow again."""
        self._flowing.set()

    @property
    def open_connections(self) -> int:
        """Connections still carrying traffic (not blackholed, not closed)."""
        with self._lock:
            return sum(1 for link in self._links if not link.blackholed)

    def _accept_loop(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # the listener was closed
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                client.close()  # the target is down: the client sees its connection closed
                continue
            link = _Link(client, upstream)
            with self._lock:
                self._links.append(link)
                self.accepted += 1
            for src, dst in ((client, upstream), (upstream, client)):
                pump = threading.Thread(target=self._pump, args=(link, src, dst), daemon=True)
                link.threads.append(pump)
                pump.start()

    def _pump(self, link: _Link, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(CHUNK)
                if not data:
                    break
                self._flowing.wait()
                if link.blackholed:
                    continue  # swallowed: neither side hears anything, nor is anything closed
                dst.sendall(data)
        except OSError:
            pass
        if link.blackholed:
            return  # a silent drop stays silent; stop() closes what is left
        link.close()
        with self._lock:
            if link in self._links:
                self._links.remove(link)
