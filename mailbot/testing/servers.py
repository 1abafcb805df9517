"""Real mail servers on loopback (Dovecot IMAP, an aiosmtpd sink) for the demo and the tests."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import weakref
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from string import Template
from typing import Any, NoReturn, Self
from urllib.parse import quote

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from imapclient import IMAPClient

LOOPBACK = "127.0.0.1"
_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin")
_MAX_BASE_DIR = 60  # sockets such as <base_dir>/token-login/imap-urlauth must fit in 108 bytes
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")

# Dovecot 2.3 never gives mail access to uid 0, whatever first_valid_uid says ("userdb
# returned 0 as uid", "Mail access not allowed for root"), and imap-login refuses to run as
# root; _privileges() fills in the users. ssl = no also leaves the imaps listener unbound.
_CONFIG = Template("""\
# Written by mailbot.testing.servers: a private Dovecot for development and tests.
base_dir = $base_dir
state_dir = $state_dir
instance_name = mailbot-$port
protocols = imap
listen = $host
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
login_greeting = $greeting
auth_username_format = %Lu
auth_username_chars = abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01234567890.-_@+=
auth_failure_delay = 0
log_path = $log_path
mail_location = maildir:~/Maildir
mail_max_userip_connections = 100
# IDLE: inotify sees new mail and Dovecot pushes it after a fixed 0.5 s batching delay; this
# is the fallback stat() poll (default 30 s). imap_idle_notify_interval only spaces the
# "* OK Still here" keepalives and does not delay notifications.
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 2 mins
imap_hibernate_timeout = 0
default_internal_user = $internal_user
default_internal_group = $internal_group
default_login_user = $login_user
first_valid_uid = $uid
first_valid_gid = $gid
valid_chroot_dirs = $chroot_dirs
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = static
  args = password=$password
}
userdb {
  driver = static
  args = uid=$uid gid=$gid home=$home
}
service imap-login {
  inet_listener imap {
    address = $host
    port = $port
  }
  chroot = $login_chroot
}
# Without this socket there is no auth penalty, which after one wrong password delays
# every login from 127.0.0.1 (up to 15 s), the next correct one too.
service anvil {
  chroot = $anvil_chroot
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
""")

# Appended with Dovecot(oauth2_introspection_url=...): XOAUTH2 and OAUTHBEARER check each token at that
# URL (RFC 7662 introspection, POSTed), whose answer must be active and name the user who logs in. The
# static passdb above refuses a token (it is not the password) and the oauth2 one is asked next.
_OAUTH2 = Template("""\
auth_mechanisms = plain login xoauth2 oauthbearer
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $args
}
""")
_OAUTH2_ARGS = Template("""\
introspection_mode = post
introspection_url = $url
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
""")


class DevServerError(RuntimeError):
    """A development mail server is missing or could not start."""


def find_dovecot() -> str | None:
    """Return the path of the dovecot binary (often in /usr/sbin, off a user's PATH)."""
    return shutil.which("dovecot", path=os.pathsep.join([os.environ.get("PATH", ""), *_SBIN_DIRS]))


def free_port(host: str = LOOPBACK) -> int:
    """Return a TCP port on ``host`` that is free right now."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def _shutdown(proc: subprocess.Popen[bytes], scratch: str | None) -> None:
    """Stop a Dovecot master and every process in its group; remove the scratch dir."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)  # the whole group at once: children die at once
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=0.2)  # the master may sleep 1 s before reaping; do not wait for it
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if scratch:
        shutil.rmtree(scratch, ignore_errors=True)


class _Service:
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


class Dovecot(_Service):
    """A private Dovecot IMAP server on 127.0.0.1, living in ``root``.

    Any user name logs in with the one shared ``password``; each user's mail is a Maildir
    under ``root/home/<user>``. Runs as root or as a normal user.
    """

    host = LOOPBACK

    def __init__(
        self,
        root: Path,
        port: int = 0,
        password: str = "secret",
        binary: str | None = None,
        oauth2_introspection_url: str | None = None,
    ) -> None:
        if not password or any(ch.isspace() for ch in password):
            raise ValueError("password must be non-empty and without whitespace")
        self.root = Path(root).resolve()
        self.port = port or free_port()
        self.password = password
        self.binary = binary
        # Also AUTHENTICATE XOAUTH2 with bearer tokens checked at this URL; the password still works.
        self.oauth2_introspection_url = oauth2_introspection_url
        self.log_path = self.root / "dovecot.log"
        self.config_path = self.root / "dovecot.conf"
        self._proc: subprocess.Popen[bytes] | None = None
        self._finalizer: weakref.finalize | None = None
        self._mail_owner: tuple[int, int] | None = None  # set when root runs mail as nobody
        self._greeting = f"mailbot devserver {secrets.token_hex(4)} ready."  # ours, not another

    @property
    def pid(self) -> int | None:
        """The master's process id (also its process group id), or None when stopped."""
        return self._proc.pid if self._proc else None

    def start(self, timeout: float = 10.0) -> None:
        """Write dovecot.conf, start Dovecot and wait until a user can log in."""
        if self._proc is not None:
            raise DevServerError(f"Dovecot in {self.root} is already running")
        binary = self.binary or find_dovecot()
        if binary is None or not Path(binary).is_file():
            where = f"at {binary}" if binary else "on PATH or in /usr/sbin"
            raise DevServerError(f"dovecot binary not found {where}: install dovecot-imapd")
        scratch = self._write_config()
        with self.log_path.open("ab") as log:  # startup errors go to stderr, not log_path
            self._proc = subprocess.Popen(
                [binary, "-F", "-c", str(self.config_path)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        # Also stops Dovecot if this object is dropped or the interpreter exits.
        self._finalizer = weakref.finalize(self, _shutdown, self._proc, scratch)
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """Stop Dovecot and all its child processes; safe to call twice."""
        if self._finalizer is not None:
            self._finalizer()
        self._proc = self._finalizer = None

    def log_text(self) -> str:
        """Return Dovecot's log, for debugging."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def url(self, user: str, folder: str = "INBOX") -> str:
        """Return ``imap://<user>:<password>@127.0.0.1:<port>/<folder>``, URL-quoted."""
        self._ensure_home(user)
        creds = f"{quote(user, safe='')}:{quote(self.password, safe='')}"
        return f"imap://{creds}@{self.host}:{self.port}/{quote(folder)}"

    def connect(self, user: str) -> IMAPClient:
        """Return an IMAPClient logged in as ``user``; use it as a context manager."""
        self._ensure_home(user)
        client = IMAPClient(self.host, self.port, ssl=False, timeout=10)
        client.login(user, self.password)
        return client

    def append(self, user: str, raw: bytes, folder: str = "INBOX", arrived: datetime | None = None) -> int | None:
        """Store ``raw`` in ``user``'s ``folder`` (created if missing); return its UID.

        ``arrived`` sets the server's INTERNALDATE, so tests with a frozen clock control arrival times.
        """
        with self.connect(user) as client:
            if not client.folder_exists(folder):
                client.create_folder(folder)
            found = _APPENDUID.search(client.append(folder, raw, msg_time=arrived))
            return int(found.group(1)) if found else None

    def fetch_all(self, user: str, folder: str = "INBOX") -> list[bytes]:
        """Return the raw messages in ``user``'s ``folder`` in UID order; [] if it is absent."""
        with self.connect(user) as client:
            if not client.folder_exists(folder):
                return []
            client.select_folder(folder, readonly=True)
            uids = sorted(client.search("ALL"))
            data = client.fetch(uids, [b"BODY.PEEK[]"]) if uids else {}
            return [data[uid][b"BODY[]"] for uid in uids]

    def folders(self, user: str) -> list[str]:
        """Return the names of ``user``'s folders."""
        with self.connect(user) as client:
            return [name for _flags, _sep, name in client.list_folders()]

    def _write_config(self) -> str | None:
        """Write dovecot.conf; return a scratch base_dir to remove later, if one was needed."""
        home = self.root / "home"
        home.mkdir(parents=True, exist_ok=True)
        (self.root / "state").mkdir(exist_ok=True)
        base_dir, scratch = str(self.root / "run"), None
        if len(base_dir) > _MAX_BASE_DIR:
            base_dir = scratch = tempfile.mkdtemp(prefix="dovecot-")
        config = _CONFIG.substitute(
            base_dir=base_dir,
            state_dir=self.root / "state",
            port=self.port,
            host=self.host,
            greeting=self._greeting,
            log_path=self.log_path,
            password=self.password.replace("%", "%%"),
            **self._privileges(home),
        )
        if self.oauth2_introspection_url:
            args = self.root / "dovecot-oauth2.conf.ext"
            args.write_text(_OAUTH2_ARGS.substitute(url=self.oauth2_introspection_url))
            config += _OAUTH2.substitute(args=args)
        self.config_path.write_text(config)
        return scratch

    def _privileges(self, home: Path) -> dict[str, Any]:
        """Return the settings that differ between running as root and as a normal user.

        As root: internal processes run as root, imap-login as dovenull (or nobody), and mail
        processes as nobody, chrooted into ``root/home`` (``home=<chroot>/./<user>``) so that
        private parent directories (pytest's tmp dirs are 0700) do not lock them out.
        As a normal user: every process runs as that user, and nothing can chroot.
        """
        if os.geteuid() != 0:
            me = pwd.getpwuid(os.getuid()).pw_name
            return dict(
                internal_user=me,
                internal_group=grp.getgrgid(os.getgid()).gr_name,
                login_user=me,
                uid=os.getuid(),
                gid=os.getgid(),
                home=f"{home}/%u",
                chroot_dirs="",
                login_chroot="",
                anvil_chroot="",
            )
        nobody = pwd.getpwnam("nobody")
        try:
            login_user = pwd.getpwnam("dovenull").pw_name
        except KeyError:
            login_user = nobody.pw_name
        self._mail_owner = (nobody.pw_uid, nobody.pw_gid)
        os.chown(home, *self._mail_owner)
        return dict(
            internal_user="root",
            internal_group=grp.getgrgid(0).gr_name,
            login_user=login_user,
            uid=nobody.pw_uid,
            gid=nobody.pw_gid,
            home=f"{home}/./%u",
            chroot_dirs=home,
            login_chroot="login",
            anvil_chroot="empty",
        )

    def _ensure_home(self, user: str) -> None:
        """Create a chrooted user's home first, else Dovecot logs a chdir() error."""
        path = self.root / "home" / user.lower()  # as auth_username_format = %Lu
        if self._mail_owner and "/" not in user and not path.exists():
            path.mkdir(mode=0o700)
            os.chown(path, *self._mail_owner)

    def _wait_ready(self, timeout: float) -> None:
        """Wait for an IMAP greeting, then log in once to prove that mail access works."""
        deadline = time.monotonic() + timeout
        while not self._greets():
            if self._proc is not None and self._proc.poll() is not None:
                self._fail(f"dovecot exited with status {self._proc.returncode}")
            if time.monotonic() > deadline:
                self._fail(f"no IMAP greeting on {self.host}:{self.port} within {timeout} s")
            time.sleep(0.02)
        try:
            with self.connect("devservers-probe") as client:
                client.noop()
        except Exception as exc:
            self._fail(f"probe login failed (is dovecot-imapd installed?): {exc!r}")

    def _greets(self) -> bool:
        """Return True when the port answers with this server's IMAP greeting."""
        try:
            with socket.create_connection((self.host, self.port), timeout=0.25) as sock:
                line = sock.makefile("rb").readline()
                sock.sendall(b"a LOGOUT\r\n")
        except OSError:
            return False
        return line.startswith(b"* OK") and self._greeting.encode() in line

    def _fail(self, reason: str) -> NoReturn:
        """Raise DevServerError with the tail of the log."""
        tail = "\n".join(self.log_text().splitlines()[-20:])
        raise DevServerError(f"Dovecot in {self.root}: {reason}\n--- {self.log_path}:\n{tail}")


@dataclass(frozen=True)
class Delivered:
    """One message the SMTP sink accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    raw: bytes


class SmtpSink(_Service):
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
