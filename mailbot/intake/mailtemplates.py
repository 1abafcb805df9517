"""Every mail template the code sends: the names the template check requires before a first send."""

from __future__ import annotations

from mailbot.cases.desk import CaseDesk

# Every mail template the code sends: the lifecycle table's mails and those the code names itself
# (cases, staff desk, commands, timers, notices). Each must be in the folder; every *.j2 there must
# render (compose.Composer.check): at start-up, in `mailbot check-config` and on reload.
# tests/test_templates.py fails when the code names a template this list lacks.
TEMPLATES = tuple(
    sorted(
        CaseDesk.TEMPLATES
        | {
            "ack_complaint",
            "ack_escalation",
            "ack_neutral",
            "answer_read",
            "backfill_registered",
            "command_result",
            "complaint_recorded",
            "compliment_forward",
            "compliment_thanks",
            "digest",
            "dispute_flag",
            "failure_notice",
            "late_deadlines",
            "letter_to_post",
            "notify_escalation",
            "notify_followup",
            "notify_new",
            "notify_reply",
            "notify_stranger",
            "quarantine_notice",
            "triage_request",
            "verdict_reminder",
        }
    )
)
