"""SMTP via aiosmtplib: deliver queued mail over one connection, and say what failed how."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mailbot.config import SmtpSettings
from mailbot.oauth import OAuthError
from mailbot.store import QueuedMail

if TYPE_CHECKING:
    from aiosmtplib import SMTP

    from mailbot.oauth import Tokens

log = logging.getLogger("mailbot.send")


@dataclass(frozen=True)
class SendResult:
    """What the server said about one queued mail."""

    mail: QueuedMail
    accepted: bool
    permanent: bool = False
    error: str | None = None
    refused: tuple[str, ...] = ()
    # False when the mail never reached the server (no connection): it says nothing about the mail.
    tried: bool = True


Report = Callable[[SendResult], Awaitable[None] | None]


async def deliver(
    settings: SmtpSettings, batch: Sequence[QueuedMail], report: Report, tokens: Tokens | None = None
) -> None:
    """Send ``batch`` over one SMTP connection; ``report`` hears about each mail as soon as it is known.

    Reporting each result at once (rather than after the batch) means a crash can repeat
    at most the one mail whose acceptance had not yet been recorded.
    """
    import aiosmtplib

    if not batch:
        return
    smtp = connection(settings)
    try:
        await smtp.connect()
        if settings.xoauth2 and tokens is not None:
            await _xoauth2(smtp, settings.username or "", tokens)
        elif settings.username:
            await smtp.login(settings.username, settings.password or "")
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
            result = await _send_one(smtp, mail)
            await _call(report, result)
            if not result.accepted and not result.permanent and not smtp.is_connected:
                for rest in batch[index + 1 :]:
                    await _call(
                        report, SendResult(rest, accepted=False, error="connection lost before sending", tried=False)
                    )
                return
    finally:
        if smtp.is_connected:
            try:
                await smtp.quit()
            except (TimeoutError, aiosmtplib.SMTPException, OSError):
                smtp.close()


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


async def _send_one(smtp: object, mail: QueuedMail) -> SendResult:
    import aiosmtplib

    assert isinstance(smtp, aiosmtplib.SMTP)
    try:
        errors, _ = await smtp.sendmail(mail.sender, list(mail.recipients), mail.raw)
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        return SendResult(mail, accepted=False, permanent=all(c >= 500 for c in codes), error=_describe(exc))
    except aiosmtplib.SMTPResponseException as exc:
        return SendResult(mail, accepted=False, permanent=exc.code >= 500, error=_describe(exc))
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        return SendResult(mail, accepted=False, permanent=False, error=_describe(exc))
    refused = tuple(sorted(errors))
    return SendResult(mail, accepted=True, refused=refused, error=f"refused: {errors}" if errors else None)


async def _call(report: Report, result: SendResult) -> None:
    outcome = report(result)
    if outcome is not None:
        await outcome


def _describe(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{code} {message}" if code else f"{type(exc).__name__}: {message}"
