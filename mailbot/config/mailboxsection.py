"""The reader of rules.yaml's `mailbox:` section (and its `backfill:`), a part of sections.SectionReader."""

from __future__ import annotations

from typing import Any

from mailbot.config.mailboxrules import BACKFILL_MODES, SENT_COPIES, BackfillRules, MailboxRules
from mailbot.config.reader import YamlReader, keys_of


class MailboxSection(YamlReader):
    """`mailbox:`: folders, timing, sent copies and the backfill; a key left out takes its default."""

    def mailbox(self, doc: Any) -> MailboxRules:
        """`mailbox:`: the folders, the IDLE, poll and keepalive timing, sent copies and the backfill."""
        node = self.mapping(doc, "mailbox", "mailbox", keys_of(MailboxRules))
        default = MailboxRules()
        idle = self.integer(node, "idle_seconds", "mailbox.idle_seconds", default.idle_seconds, 10)
        if idle >= 29 * 60:
            raise self.fail(node, "idle_seconds", "mailbox.idle_seconds must stay under 1740 (29 minutes, RFC 2177)")
        folders = [
            self.string(node, k, f"mailbox.{k}", default=getattr(default, k))
            for k in ("inbox", "processed", "quarantine")
        ]
        if len(set(folders)) < 3:
            raise self.fail(
                node, "processed", "mailbox: inbox, processed and quarantine must be three different folders"
            )
        inbox, processed, quarantine = folders
        if node.get("sent") and str(node.get("sent")).strip() in folders:
            raise self.fail(node, "sent", "mailbox.sent must differ from inbox, processed and quarantine")
        return MailboxRules(
            inbox,
            processed,
            quarantine,
            idle_seconds=idle,
            poll_seconds=self.integer(node, "poll_seconds", "mailbox.poll_seconds", default.poll_seconds, 1),
            keepalive_seconds=self.integer(
                node, "keepalive_seconds", "mailbox.keepalive_seconds", default.keepalive_seconds, 1
            ),
            backfill=self.backfill(node),
            sent_copies=self.choice(node, "sent_copies", "mailbox.sent_copies", SENT_COPIES, default.sent_copies),
            sent=self.string(node, "sent", "mailbox.sent") if node.get("sent") else default.sent,
            sent_check_after_seconds=self.integer(
                node,
                "sent_check_after_seconds",
                "mailbox.sent_check_after_seconds",
                default.sent_check_after_seconds,
                0,
            ),
        )

    def backfill(self, mailbox: Any) -> BackfillRules:
        """`mailbox.backfill:`: what a first run does with mail already in the inbox."""
        if "backfill" not in mailbox:
            return BackfillRules()
        node = self.mapping(mailbox, "backfill", "mailbox.backfill", keys_of(BackfillRules))
        default = BackfillRules()
        return BackfillRules(
            mode=self.choice(node, "mode", "mailbox.backfill.mode", BACKFILL_MODES, default.mode),
            older_than_days=self.integer(
                node, "older_than_days", "mailbox.backfill.older_than_days", default.older_than_days, 1
            ),
        )
