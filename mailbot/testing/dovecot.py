"""A private Dovecot IMAP server on loopback, for the demo, the tests and the bench."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import weakref
from datetime import datetime
from pathlib import Path
from typing import NoReturn
from urllib.parse import quote

from imapclient import IMAPClient

from mailbot.testing.dovecot_config import CONFIG, MAX_BASE_DIR, OAUTH2, OAUTH2_ARGS, privileges
from mailbot.testing.service import LOOPBACK, DevServerError, Service, free_port

_SBIN_DIRS = ("/usr/sbin", "/usr/local/sbin", "/opt/homebrew/sbin")
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")


def find_dovecot() -> str | None:
    """Return the path of the dovecot binary (often in /usr/sbin, off a user's PATH)."""
    return shutil.which("dovecot", path=os.pathsep.join([os.environ.get("PATH", ""), *_SBIN_DIRS]))


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


class Dovecot(Service):
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
        self._finalizer: weakref.finalize[..., Dovecot] | None = None
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
        if len(base_dir) > MAX_BASE_DIR:
            base_dir = scratch = tempfile.mkdtemp(prefix="dovecot-")
        home_settings, self._mail_owner = privileges(home)
        config = CONFIG.substitute(
            base_dir=base_dir,
            state_dir=self.root / "state",
            port=self.port,
            host=self.host,
            greeting=self._greeting,
            log_path=self.log_path,
            password=self.password.replace("%", "%%"),
            **home_settings,
        )
        if self.oauth2_introspection_url:
            args = self.root / "dovecot-oauth2.conf.ext"
            args.write_text(OAUTH2_ARGS.substitute(url=self.oauth2_introspection_url))
            config += OAUTH2.substitute(args=args)
        self.config_path.write_text(config)
        return scratch

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
