"""The schema of rules.yaml's `mailbox:` section: the folders, waiting for mail, sent copies, the backfill."""

from __future__ import annotations

from dataclasses import dataclass

BACKFILL_MODES = ("answer", "register")


@dataclass(frozen=True)
class BackfillRules:
    """What a first start does with mail that was already waiting (backlog.py).

    ``answer``: every waiting mail is handled as usual. ``register``: waiting mail that arrived
    more than ``older_than_days`` days before the first start becomes a case without any mail to
    the customer or staff; the coordinator gets the list in one mail.
    """

    mode: str = "answer"
    older_than_days: int = 14


@dataclass(frozen=True)
class MailboxRules:
    """IMAP folder names and how to wait for new mail."""

    inbox: str = "INBOX"
    processed: str = "Verwerkt"
    quarantine: str = "Quarantaine"
    idle_seconds: int = 1500
    poll_seconds: int = 60
    # During IDLE, prove the connection alive this often (DONE, NOOP, IDLE): a silent drop shows no error.
    keepalive_seconds: int = 120
    backfill: BackfillRules = BackfillRules()
    # How mailbot learns after a crash whether a mail it was handing over went out (sentcheck.py):
    # "bcc" (each mail also goes to the bot's own address; the copy is filed in ``sent``), "server"
    # (the server files SMTP mail in its Sent folder itself: Gmail), or "none" (resend: at least once).
    sent_copies: str = "none"
    # The folder with the copies of sent mail; empty: the server's \Sent folder (RFC 6154), else "Sent".
    sent: str = ""
    # A copy may take a moment to arrive: a mail in doubt is looked for no sooner than this.
    sent_check_after_seconds: int = 120


SENT_COPIES = ("bcc", "server", "none")
