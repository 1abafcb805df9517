"""SMTP via aiosmtplib: deliver queued mail over one connection, and say what failed how."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from mailbot.auth.settings import OAuthError
from mailbot.config import SmtpSettings
from mailbot.logs import describe_error
from mailbot.mail.envelope import Envelope, envelope, original_recipient
from mailbot.mail.idn import AddressError
from mailbot.models import QueuedMail

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from mailbot.auth.tokens import Tokens

log = logging.getLogger("mailbot.send")


@dataclass(frozen=True)
class SendResult:
    """What the server said about one queued mail."""

    mail: QueuedMail
    accepted: bool
    permanent: bool = False
    error: str | None = None
    refused: tuple[str, ...] = ()
    # Each refused recipient with the server's reply (or why no envelope could carry it).
    refusals: dict[str, str] = field(default_factory=dict)
    # False when the mail never reached the server (no connection): it says nothing about the mail.
    tried: bool = True
    # True when the connection was lost after the whole mail went, before the server's reply.
    unknown: bool = False
    # When the answer came, for a result written later than that (outbox.py); None: when written.
    answered_at: datetime | None = None


Report = Callable[[SendResult], Awaitable[None] | None]


async def deliver(
    settings: SmtpSettings,
    batch: Sequence[QueuedMail],
    report: Report,
    tokens: Tokens | None = None,
    copy_to: str | None = None,
    should_stop: Callable[[], bool] = lambda: False,
) -> None:
    """Send ``batch`` over one SMTP connection; ``report`` hears about each mail as soon as it is known.

    Reporting each result at once (rather than after the batch) means a crash leaves at most the
    one mail in flight in doubt. ``copy_to`` gets every mail too, by envelope only (sentcheck.py).
    When ``should_stop`` says so between two mails, the rest are left unoffered and unreported.
    """
    import aiosmtplib

    if not batch:
        return
    smtp = connection(settings)
    try:
        await smtp.connect()
        await _log_in(smtp, settings, tokens)
    except (TimeoutError, aiosmtplib.SMTPException, OSError, OAuthError) as exc:
        reason = _describe(exc)
        permanent = isinstance(exc, aiosmtplib.SMTPAuthenticationError)
        log.warning("SMTP server %s:%d unavailable: %s", settings.host, settings.port, reason)
        for mail in batch:
            await _call(report, SendResult(mail, accepted=False, error=reason, tried=False))
        if permanent:
            log.error("SMTP login refused; check MAILBOT_SMTP_URL")
        return
    try:
        for index, mail in enumerate(batch):
            if should_stop():
                return
            result = await _send_one(smtp, mail, copy_to)
            await _call(report, result)
            if result.accepted or smtp.is_connected:
                continue
            if result.permanent:
                # This mail's own trouble also cost the connection: the rest are not to blame.
                if not await _reconnect(smtp, settings, tokens):
                    await _not_tried(report, batch[index + 1 :], "connection lost after a failed mail")
                    return
                continue
            await _not_tried(report, batch[index + 1 :], "connection lost before sending")
            return
    finally:
        await _quit(smtp)


async def _quit(smtp: SMTP) -> None:
    """Say QUIT when still connected; a server that does not answer it is simply cut off."""
    import aiosmtplib

    if smtp.is_connected:
        try:
            await smtp.quit()
        except (TimeoutError, aiosmtplib.SMTPException, OSError):
            smtp.close()


async def _reconnect(smtp: SMTP, settings: SmtpSettings, tokens: Tokens | None) -> bool:
    """Open the connection again after a mail broke it; False when the server cannot be reached."""
    import aiosmtplib

    try:
        smtp.close()
        await smtp.connect()
        await _log_in(smtp, settings, tokens)
    except (TimeoutError, aiosmtplib.SMTPException, OSError, OAuthError):
        return False
    return True


async def _log_in(smtp: SMTP, settings: SmtpSettings, tokens: Tokens | None) -> None:
    """AUTH XOAUTH2 with a token or LOGIN with the password, as the settings say; nothing without a user."""
    if settings.xoauth2 and tokens is not None:
        await _xoauth2(smtp, settings.username or "", tokens)
    elif settings.username:
        await smtp.login(settings.username, settings.password or "")


async def _not_tried(report: Report, rest: Sequence[QueuedMail], why: str) -> None:
    for mail in rest:
        await _call(report, SendResult(mail, accepted=False, error=why, tried=False))


def connection(settings: SmtpSettings) -> SMTP:
    """An unconnected aiosmtplib client for ``settings``."""
    import aiosmtplib

    return aiosmtplib.SMTP(
        hostname=settings.host,
        port=settings.port,
        use_tls=settings.ssl,
        start_tls=None if not settings.ssl else False,  # None: STARTTLS when the server offers it
        timeout=settings.timeout,  # a server that never answers DATA costs one timeout, then a retry
    )


async def _xoauth2(smtp: SMTP, user: str, tokens: Tokens) -> None:
    """AUTH XOAUTH2 with the mailbox user's token; a refused token is replaced once at once."""
    import aiosmtplib

    token = await asyncio.to_thread(tokens.token)  # msal and urllib block: not on the event loop
    try:
        await smtp.auth_xoauth2(user, token.value)
    except aiosmtplib.SMTPAuthenticationError:
        log.warning("SMTP server refused the access token; trying once more with a new one")
        tokens.invalidate()
        token = await asyncio.to_thread(tokens.token)
        await smtp.auth_xoauth2(user, token.value)


async def _send_one(smtp: SMTP, mail: QueuedMail, copy_to: str | None = None) -> SendResult:
    """Offer one mail; whatever goes wrong is this mail's result, never an exception for the batch."""
    import aiosmtplib

    try:
        if smtp.is_ehlo_or_helo_needed:  # the server's extensions decide the envelope
            await smtp.ehlo()
        form = envelope(mail, smtp.supports_extension("smtputf8"), copy_to)
        errors = await _envelope_commands(smtp, form, len(mail.raw))
        try:
            await smtp.data(mail.raw)
        except (aiosmtplib.SMTPServerDisconnected, TimeoutError, OSError) as exc:
            # The whole mail went; the reply never came. The server may have taken it: only a
            # look at the server can tell (sentcheck.py), a blind resend may deliver it twice.
            return SendResult(mail, accepted=False, error=_describe(exc), unknown=True)
    except AddressError as exc:
        return SendResult(mail, accepted=False, permanent=True, error=str(exc))
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        return SendResult(mail, accepted=False, permanent=all(c >= 500 for c in codes), error=_describe(exc))
    except aiosmtplib.SMTPResponseException as exc:
        return SendResult(mail, accepted=False, permanent=exc.code >= 500, error=_describe(exc))
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        return SendResult(mail, accepted=False, permanent=False, error=_describe(exc))
    except Exception as exc:  # a bug, or input no library expected: this mail is parked, the rest go on
        log.error("sending %s %s failed unexpectedly (%s): parked", mail.kind, mail.message_id, type(exc).__name__)
        await _reset(smtp)
        return SendResult(mail, accepted=False, permanent=True, error=f"unexpected error: {_describe(exc)}")
    refused = {original_recipient(mail, r): _describe_reply(reply) for r, reply in errors.items() if r != copy_to}
    refused.update(form.unsendable)
    return SendResult(
        mail,
        accepted=True,
        refused=tuple(sorted(refused)),
        refusals=refused,
        error=f"refused: {sorted(refused)}" if refused else None,
    )


async def _envelope_commands(smtp: SMTP, form: Envelope, size: int) -> dict[str, object]:
    """MAIL FROM and RCPT TO for ``form``: the recipients refused (with the reply), raising
    SMTPRecipientsRefused when none is taken. What sendmail() does, split so that the caller
    knows when DATA began."""
    import aiosmtplib

    encoding = "utf-8" if form.smtputf8 else "ascii"
    options = ["SMTPUTF8"] if form.smtputf8 else []
    if smtp.supports_extension("size"):
        options.insert(0, f"SIZE={size}")
    refused: dict[str, object] = {}
    try:
        await smtp.mail(form.sender, options=options, encoding=encoding)
        for recipient in form.recipients:
            try:
                await smtp.rcpt(recipient, encoding=encoding)
            except aiosmtplib.SMTPRecipientRefused as exc:
                refused[recipient] = exc
        if len(refused) == len(form.recipients):
            raise aiosmtplib.SMTPRecipientsRefused(list(refused.values()))  # type: ignore[arg-type]
    except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused):
        await _reset(smtp)  # a clean envelope for the next mail
        raise
    return refused


async def _reset(smtp: SMTP) -> None:
    """After an unexpected failure mid-mail: clear the envelope, or drop a connection in an unknown state."""
    import aiosmtplib

    if not smtp.is_connected:
        return
    try:
        await smtp.rset()
    except (TimeoutError, aiosmtplib.SMTPException, OSError):
        smtp.close()


def _describe_reply(reply: object) -> str:
    code, message = getattr(reply, "code", None), getattr(reply, "message", "")
    return f"{code} {message}".strip() if code else str(reply)


async def _call(report: Report, result: SendResult) -> None:
    outcome = report(result)
    if outcome is not None:
        await outcome


def _describe(exc: BaseException) -> str:
    import aiosmtplib

    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):  # each recipient with the server's reply
        return "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in exc.recipients)
    return describe_error(exc)
