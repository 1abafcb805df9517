"""SQLite through sqlite-utils: the only package that writes SQL.

``Store`` is one object to its callers, built from one part per seam of the data, each in its own
module: ``db`` (connection, transactions), ``schema`` (migrations), ``intake`` (sync state, mail
log), ``cases``, ``dossier`` (messages), ``events``, ``outbox`` (and the auto-reply window),
``timers`` (and agreements), ``privacy`` (export, erasure) and ``health`` (heartbeat, queue figures).
A new query goes into the part of the table it reads most.
"""

from __future__ import annotations

from mailbot.models import MailLogEntry, QueuedMail
from mailbot.store.cases import CaseStore
from mailbot.store.dossier import DossierStore
from mailbot.store.events import EventStore
from mailbot.store.health import Beat, HealthStore, ParkedItem, QueueFigures
from mailbot.store.intake import IntakeStore
from mailbot.store.outbox import OutboxStore
from mailbot.store.privacy import PrivacyStore
from mailbot.store.schema import MIGRATIONS
from mailbot.store.timers import TimerStore

__all__ = ["MIGRATIONS", "Beat", "MailLogEntry", "ParkedItem", "QueueFigures", "QueuedMail", "Store"]


class Store(IntakeStore, CaseStore, DossierStore, EventStore, OutboxStore, TimerStore, PrivacyStore, HealthStore):
    """The case database. One instance per process; not shared between threads."""
