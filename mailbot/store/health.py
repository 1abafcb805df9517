"""The daemon's heartbeat (mailbot/ops/heartbeat.py) and the figures of its health (mailbot/ops/status.py)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from mailbot.clock import from_iso, iso, parse_stored
from mailbot.store.db import StoreBase


@dataclass(frozen=True)
class Beat:
    """The daemon's last heartbeat: who it is, when it last lived, synced and failed."""

    pid: int
    host: str
    started_at: datetime
    beat_at: datetime
    last_sync_at: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    trouble_since: datetime | None  # the first failure since the last successful sync
    stopped_at: datetime | None


@dataclass(frozen=True)
class QueueFigures:
    """What waits: unsent mail (the oldest by the time it became due), parked and quarantined mail."""

    unsent: int
    oldest_unsent_due: datetime | None
    parked: int
    quarantined: int
    quarantined_recent: int
    # Recipients a server refused while it took the mail for the others; mail a crash left in doubt
    # (sentcheck.py); timers that failed (timers.py); the latest parked items with their reasons.
    refused: int = 0
    in_doubt: int = 0
    failed_timers: int = 0
    parked_items: tuple[ParkedItem, ...] = ()


@dataclass(frozen=True)
class ParkedItem:
    """A mail or recipient set aside for a person, for `mailbot status`."""

    case_ref: str | None
    kind: str
    recipient: str
    reason: str


class HealthStore(StoreBase):
    """The heartbeat table, and counts over the outbox, mail log and timers."""

    def record_start(self, pid: int, host: str, now: datetime) -> None:
        """A daemon started: it is the one the heartbeat speaks of; the last sync and error stay."""
        self.db.execute(
            "INSERT INTO heartbeat (id, pid, host, started_at, beat_at) VALUES (1, ?, ?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET pid = excluded.pid, host = excluded.host, "
            "started_at = excluded.started_at, beat_at = excluded.beat_at, trouble_since = NULL, stopped_at = NULL",
            [pid, host, iso(now), iso(now)],
        )

    def record_beat(self, now: datetime, synced: bool = False) -> None:
        """The daemon lives; with ``synced``, it has just finished a loop turn without trouble."""
        if synced:
            self.db.execute(
                "UPDATE heartbeat SET beat_at = ?, last_sync_at = ?, trouble_since = NULL WHERE id = 1",
                [iso(now), iso(now)],
            )
        else:
            self.db.execute("UPDATE heartbeat SET beat_at = ? WHERE id = 1", [iso(now)])

    def record_trouble(self, now: datetime, error: str) -> None:
        """A loop turn failed with ``error`` (already free of secrets and personal data)."""
        self.db.execute(
            "UPDATE heartbeat SET beat_at = ?, last_error = ?, last_error_at = ?, "
            "trouble_since = coalesce(trouble_since, ?) WHERE id = 1",
            [iso(now), error, iso(now), iso(now)],
        )

    def record_stop(self, now: datetime, error: str | None) -> None:
        """The daemon ended: cleanly, or with ``error``."""
        self.db.execute(
            "UPDATE heartbeat SET beat_at = ?, stopped_at = ?, last_error = coalesce(?, last_error), "
            "last_error_at = CASE WHEN ? IS NULL THEN last_error_at ELSE ? END WHERE id = 1",
            [iso(now), iso(now), error, error, iso(now)],
        )

    def heartbeat(self) -> Beat | None:
        """The last daemon's heartbeat; None when no daemon ever ran on this database."""
        row = self.db.execute(
            "SELECT pid, host, started_at, beat_at, last_sync_at, last_error, last_error_at, trouble_since, "
            "stopped_at FROM heartbeat WHERE id = 1"
        ).fetchone()
        if row is None:
            return None
        pid, host, started, beat, synced, error, error_at, trouble, stopped = row
        return Beat(
            int(pid),
            str(host),
            from_iso(started),
            from_iso(beat),
            parse_stored(synced),
            error,
            parse_stored(error_at),
            parse_stored(trouble),
            parse_stored(stopped),
        )

    def queue_figures(self, since: datetime) -> QueueFigures:
        """Unsent and parked mail in the outbox; quarantined mail in all and since ``since``."""
        unsent, oldest, parked = self.db.execute(
            "SELECT count(*) FILTER (WHERE status = 'pending'), min(not_before) FILTER (WHERE status = 'pending'), "
            "count(*) FILTER (WHERE status = 'parked') FROM outbox"
        ).fetchone()
        quarantined, recent = self.db.execute(
            "SELECT count(*), count(*) FILTER (WHERE at >= ?) FROM mail_log WHERE outcome = 'quarantine'",
            [iso(since)],
        ).fetchone()
        in_doubt, refused = self.db.execute(
            "SELECT count(*) FILTER (WHERE status = 'sending'), "
            "coalesce(sum((SELECT count(*) FROM json_each(refused_json))) FILTER (WHERE refused_json IS NOT NULL), 0) "
            "FROM outbox"
        ).fetchone()
        (failed_timers,) = self.db.execute("SELECT count(*) FROM timers WHERE status = 'failed'").fetchone()
        items: list[ParkedItem] = []
        for ref, kind, recipients, error, refused_json in self.db.execute(
            "SELECT c.ref, o.kind, o.recipients_json, o.last_error, o.refused_json FROM outbox o "
            "LEFT JOIN cases c ON c.id = o.case_id WHERE o.status = 'parked' OR o.refused_json IS NOT NULL "
            "ORDER BY o.id DESC LIMIT 10"
        ):
            if refused_json:
                items += [ParkedItem(ref, kind, r, why) for r, why in json.loads(refused_json).items()]
            else:
                items.append(ParkedItem(ref, kind, ", ".join(json.loads(recipients)), error or ""))
        return QueueFigures(
            int(unsent),
            parse_stored(oldest),
            int(parked),
            int(quarantined),
            int(recent),
            refused=int(refused),
            in_doubt=int(in_doubt),
            failed_timers=int(failed_timers),
            parked_items=tuple(items[:10]),
        )
