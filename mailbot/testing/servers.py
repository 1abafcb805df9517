"""Real mail servers on loopback (Dovecot IMAP, an aiosmtpd sink) for the demo and the tests.

The servers live in their own modules (``dovecot``, ``dovecot_config``, ``smtp_sink``, ``service``);
this one names them in one place, as the demo, the tests and the bench import them.
"""

from mailbot.testing.dovecot import Dovecot, find_dovecot
from mailbot.testing.service import LOOPBACK, DevServerError, free_port
from mailbot.testing.smtp_sink import Delivered, SmtpSink

__all__ = ["LOOPBACK", "Delivered", "DevServerError", "Dovecot", "SmtpSink", "find_dovecot", "free_port"]
