"""A received message as the row a case's dossier keeps of it."""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime
from typing import Any

from mailbot.clock import iso
from mailbot.models import Direction, ParsedMail, Role, Verdict


def message_record(
    case_id: int,
    mail: ParsedMail,
    direction: Direction,
    role: Role,
    verdict: Verdict | None,
    flag: str | None,
    now: datetime,
    internal: bool,
) -> dict[str, Any]:
    """The messages-table row for ``mail`` on case ``case_id``: parties, text, headers, verdict as JSON."""
    return {
        "case_id": case_id,
        "key": mail.key,
        "message_id": mail.message_id or mail.key,
        "direction": direction.value,
        "role": role.value,
        "internal": int(internal),
        "from_email": mail.sender.email if mail.sender else "",
        "from_name": mail.sender.name if mail.sender else "",
        "to_json": json.dumps([a.email for a in mail.to]),
        "cc_json": json.dumps([a.email for a in mail.cc]),
        "subject": mail.subject,
        "date": iso(mail.date),
        "text": mail.text,
        "stripped": mail.stripped,
        "headers_json": json.dumps(mail.headers, ensure_ascii=False),
        "attachments_json": json.dumps([asdict(a) for a in mail.attachments], ensure_ascii=False),
        "raw_sha256": mail.raw_sha256,
        "verdict_json": json.dumps(verdict.as_record(), ensure_ascii=False) if verdict else None,
        "flag": flag,
        "created_at": iso(now),
    }
