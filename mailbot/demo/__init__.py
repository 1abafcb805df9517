"""`mailbot demo`: the whole flow on private loopback servers, with Dutch sample mail.

``scenes.py`` runs it: the servers, four customers, replies, staff and a formal complaint;
``policy.py`` the policy's later steps (an extension, an appeal, the yearly report); ``mail.py``
writes the sample mail, which the tests use too.
"""

from mailbot.demo.mail import BOT, VOUCHED, compose_mail
from mailbot.demo.scenes import loopback_settings, run_demo

__all__ = ["BOT", "VOUCHED", "compose_mail", "loopback_settings", "run_demo"]
