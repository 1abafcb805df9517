"""A real SMTP server on loopback (aiosmtpd) that records what it takes and can drop it into Dovecot."""

from __future__ import annotations

import asyncio
import base64
import json
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from mailbot.testing.dovecot import Dovecot
from mailbot.testing.service import LOOPBACK, DevServerError, Service, free_port


@dataclass(frozen=True)
class Delivered:
    """One message the SMTP sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes


class SmtpSink(Service):
    """A real SMTP server on 127.0.0.1 that records mail and can drop it into Dovecot.

    Given a ``dovecot``, each message is appended to every recipient's INBOX as that user,
    with ``Return-Path`` and ``Delivered-To`` added as a delivery agent would, before the
    client gets its 250. Faults, for the tests of what a client does about them:

    - ``fail_with = (451, "4.3.0 try later")`` answers DATA with that reply instead;
    - ``drop_after_data = n``: the next ``n`` messages are taken (recorded and delivered) but the
      connection is cut before the 250, so the client cannot know they arrived;
    - ``stall_data = True``: DATA is never answered while it stays set, and a message whose client
      gave up waiting is not recorded.

    Given ``xoauth2``, a check of (user, bearer token), the sink offers AUTH XOAUTH2 only (without
    TLS, on loopback) and takes mail only after it: ``xoauth2_logins`` lists who logged in.
    """

    host = LOOPBACK

    def __init__(
        self,
        dovecot: Dovecot | None = None,
        port: int = 0,
        xoauth2: Callable[[str, str], bool] | None = None,
        smtputf8: bool = False,
        local: Collection[str] | None = None,
    ) -> None:
        self.dovecot = dovecot
        # Only these recipients are delivered into Dovecot (None: all), as an MTA delivers its own
        # domain's mail and relays the rest.
        self.local = None if local is None else {a.lower() for a in local}
        self.smtputf8 = smtputf8  # offer SMTPUTF8 (RFC 6531); without it, non-ASCII commands are refused
        # Recipients refused at RCPT with this reply, e.g. {"weg@example.net": "550 5.1.1 no such user"}.
        self.refuse: dict[str, str] = {}
        self.port = port or free_port()
        self.xoauth2 = xoauth2
        self.xoauth2_logins: list[str] = []
        self.fail_with: tuple[int, str] | None = None
        self.drop_after_data = 0
        self.stall_data = False
        self.dropped = 0  # messages taken whose connection was cut before the reply
        self._messages: list[Delivered] = []
        self._arrived = threading.Condition()
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[Delivered]:
        """A copy of the messages accepted so far, in arrival order."""
        with self._arrived:
            return list(self._messages)

    def url(self) -> str:
        """Return ``smtp://127.0.0.1:<port>``."""
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> None:
        """Start listening; returns once the server answers."""
        if self._controller is not None:
            raise DevServerError(f"SMTP sink on port {self.port} is already running")
        # STARTTLS would go here (tls_context=..., require_starttls=True); it is off for now.
        auth: dict[str, Any] = {}
        if self.xoauth2 is not None:
            auth = dict(auth_require_tls=False, auth_required=True, auth_exclude_mechanism=["LOGIN", "PLAIN"])
        controller = Controller(
            self,
            hostname=self.host,
            port=self.port,
            server_hostname="mailbot-devsmtp",
            enable_SMTPUTF8=self.smtputf8,
            **auth,
        )
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        """Stop listening; safe to call twice."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Delivered]:
        """Block until at least ``count`` messages arrived; return all of them."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self._messages) >= count, timeout):
                got = len(self._messages)
                raise TimeoutError(f"expected {count} message(s) within {timeout} s, got {got}")
            return list(self._messages)

    async def auth_XOAUTH2(self, server: Any, args: list[str]) -> AuthResult:
        """aiosmtpd hook for AUTH XOAUTH2 (offered only with ``xoauth2``): the SASL string's bearer token checked.

        A refusal goes as Gmail and Microsoft send it: a 334 with a JSON status, then 535 after the client's
        empty answer.
        """
        blob = args[1] if len(args) > 1 else ""
        try:
            fields = dict(f.split("=", 1) for f in base64.b64decode(blob, validate=True).decode().split("\x01") if f)
        except ValueError:
            return AuthResult(success=False, handled=False, message="501 5.5.2 Cannot decode the XOAUTH2 string")
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        token = bearer[len("Bearer ") :] if bearer.startswith("Bearer ") else ""
        if self.xoauth2 is not None and token and self.xoauth2(user, token):
            self.xoauth2_logins.append(user)
            return AuthResult(success=True, auth_data=user)
        await server.challenge_auth(json.dumps({"status": "401", "schemes": "bearer"}))
        return AuthResult(success=False, handled=False, message="535 5.7.8 Username and token not accepted")

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]) -> str:
        """aiosmtpd hook: refuse the recipients in ``refuse``, take the others."""
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd hook: fail, stall or drop as told, or deliver into Dovecot and record the message."""
        if self.fail_with is not None:
            code, text = self.fail_with
            return f"{code} {text}"
        while self.stall_data and not _gone(server):
            await asyncio.sleep(0.05)
        if _gone(server):
            return "451 4.4.2 nobody is listening any more"
        if self.drop_after_data > 0:
            self.drop_after_data -= 1
            status = await self._accept(envelope)
            if status.startswith("250"):
                self.dropped += 1
                server.transport.abort()  # cut before the reply: the client never hears the 250
            return status
        return await self._accept(envelope)

    async def _accept(self, envelope: Any) -> str:
        """Deliver and record, as one step a client hanging up cannot cut in two (aiosmtpd cancels
        the handler when the connection is lost): a real server that has the whole mail commits it
        to its queue, replied to or not (RFC 1047)."""
        return await asyncio.shield(self._commit(envelope))

    async def _commit(self, envelope: Any) -> str:
        """Deliver into Dovecot (when given) and record the message; the reply for the client."""
        raw = bytes(envelope.original_content or b"")
        message = Delivered(envelope.mail_from, tuple(envelope.rcpt_tos), raw)
        if self.dovecot is not None:
            local = Delivered(
                message.mail_from,
                tuple(r for r in message.rcpt_tos if self.local is None or r.lower() in self.local),
                message.raw,
            )
            try:
                await asyncio.to_thread(self._deliver, self.dovecot, local)
            except Exception as exc:
                return f"451 4.3.0 IMAP delivery failed: {exc!r}"[:400]
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        return "250 2.0.0 OK"

    @staticmethod
    def _deliver(dovecot: Dovecot, message: Delivered) -> None:
        """Append ``message`` to each recipient's INBOX, as that recipient."""
        for rcpt in message.rcpt_tos:
            if not rcpt.isascii():
                continue  # an SMTPUTF8 address elsewhere: relayed on (recorded), not one of Dovecot's users
            trace = f"Return-Path: <{message.mail_from}>\r\nDelivered-To: {rcpt}\r\n"
            dovecot.append(rcpt, trace.encode() + message.raw)


def _gone(server: Any) -> bool:
    """Whether an aiosmtpd session's client has hung up."""
    transport = getattr(server, "transport", None)
    return transport is None or transport.is_closing()
