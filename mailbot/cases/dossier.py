"""A case as people read it: the case list and the dossier, as text tables or JSON-ready dicts."""

from __future__ import annotations

import email
import textwrap
from dataclasses import asdict
from datetime import datetime
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any
from zoneinfo import ZoneInfo

from mailbot.clock import iso, iso_or_none
from mailbot.models import Case, MessageRecord
from mailbot.store import Store


def case_dict(case: Case) -> dict[str, Any]:
    """The case's fields in JSON-ready form."""

    return {
        "ref": case.ref,
        "category": case.category.value,
        "level": case.level.label,
        "urgent": case.urgent,
        "subject_type": case.subject_type.value,
        "status": case.status,
        "customer": {"email": case.customer.email, "name": case.customer.name},
        "subject": case.subject,
        "owner_team": case.owner_team,
        "owner_email": case.owner_email,
        "received_at": iso_or_none(case.received_at),
        "ack_due": iso_or_none(case.ack_due),
        "ack_sent_at": iso_or_none(case.ack_sent_at),
        "solution_due": iso_or_none(case.solution_due),
        "answered": case.answered,
        "channel": case.channel,
        "personal_contact_at": iso_or_none(case.contact_at),
        "solution": case.solution,
        "solved_at": iso_or_none(case.solved_at),
        "closed_at": iso_or_none(case.closed_at),
        "linked_case": None,
        "awaiting_verdict": case.awaiting_verdict,
        "dispute_flag": case.dispute_flag,
    }


def dossier(store: Store, case: Case) -> dict[str, Any]:
    """Everything about one case: fields, messages (with stripped text), events, outgoing mail."""
    data = case_dict(case)
    if case.linked_case_id is not None:
        data["linked_case"] = store.case(case.linked_case_id).ref
    data["messages"] = [
        {**message_fields(m), "stripped_text": m.stripped, "flag": m.flag} for m in store.messages(case.id)
    ]
    data["events"] = [
        {"at": iso(e.at), "kind": e.kind, "actor": e.actor, "detail": e.detail} for e in store.events(case.id)
    ]
    data["agreements"] = [
        {"text": a.text, "due_date": a.due_date, "by": a.created_by, "kept_at": a.kept_at}
        for a in store.agreements(case.id)
    ]
    data["timers"] = [
        {"kind": t.kind.value, "due_at": iso(t.due_at), "status": t.status, "fired_at": iso_or_none(t.fired_at)}
        | {"detail": t.detail}
        for t in store.timers(case.id)
    ]
    data["outgoing"] = [
        {"kind": o.kind, "recipients": list(o.recipients), "subject": o.subject, "status": o.status}
        | {"not_before": iso(o.not_before), "sent_at": iso_or_none(o.sent_at), "message_id": o.message_id}
        | {"last_error": o.last_error}
        for o in store.outbox(case.id)
    ]
    return data


def message_fields(m: MessageRecord) -> dict[str, Any]:
    """A stored message's fields that every view of it shows (dossier, export), in JSON-ready form."""
    return {
        "direction": m.direction.value,
        "role": m.role.value,
        "internal": m.internal,
        "from": m.from_email,
        "to": list(m.to),
        "cc": list(m.cc),
        "subject": m.subject,
        "date": iso(m.date),
        "message_id": m.message_id,
        "attachments": [asdict(a) for a in m.attachments],
    }


def own_mail_text(raw: bytes) -> str:
    """The text part of one of our own stored mails; "" when it cannot be read (the caller shows the rest)."""
    try:
        msg = email.message_from_bytes(raw, policy=default_policy)
        assert isinstance(msg, EmailMessage)
        body = msg.get_body(("plain",))
        return str(body.get_content()) if body is not None else ""
    except Exception:
        return ""


def render_table(cases: list[Case], zone: ZoneInfo) -> str:
    """The case list as an aligned text table, urgent cases first."""
    header = ("REF", "STATUS", "CATEGORY", "LEVEL", "URG", "CUSTOMER", "RECEIVED", "ACK DUE", "ACK SENT", "SUBJECT")
    rows = [header]
    for c in cases:
        rows.append(
            (
                c.ref,
                c.status,
                c.category.value,
                c.level.label,
                "!" if c.urgent else "",
                c.customer.email,
                _local(c.received_at, zone),
                _local(c.ack_due, zone),
                _local(c.ack_sent_at, zone),
                c.subject[:40],
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + f"\n{len(cases)} case(s)\n"


def render_dossier(data: dict[str, Any], zone: ZoneInfo) -> str:
    """The dossier as a coordinator reads it: facts, then the correspondence, then the timeline."""
    return "\n".join([*_facts(data, zone), *_correspondence(data, zone), *_timeline(data, zone)]) + "\n"


def _facts(data: dict[str, Any], zone: ZoneInfo) -> list[str]:
    """The dossier's head: the case's fields and agreements, one per line."""
    customer = data["customer"]
    out = [
        f"Case {data['ref']}  {data['subject']}",
        "=" * min(100, 6 + len(data["ref"]) + len(data["subject"])),
        f"Customer      {customer['name']} <{customer['email']}>"
        if customer["name"]
        else f"Customer      {customer['email']}",
        f"Category      {data['category']} ({data['level']}){'  URGENT' if data['urgent'] else ''}",
        f"Subject type  {data['subject_type']}",
        f"Status        {data['status']}",
        f"Owner         {data['owner_team'] or '-'}{' / ' + data['owner_email'] if data['owner_email'] else ''}",
        f"Received      {_when(data['received_at'], zone)}",
        f"Acknowledge   due {_when(data['ack_due'], zone)}, sent {_when(data['ack_sent_at'], zone)}",
        f"Solution due  {_when(data['solution_due'], zone)}",
    ]
    if data["channel"] != "email":
        out.append(f"Channel       {data['channel']}")
    out.append(f"Contact       {_when(data['personal_contact_at'], zone)}")
    if data["solution"]:
        out.append(f"Solution      {data['solution']} (solved {_when(data['solved_at'], zone)})")
    if data["closed_at"]:
        out.append(f"Closed        {_when(data['closed_at'], zone)}")
    if data["linked_case"]:
        out.append(f"Linked to     {data['linked_case']}")
    if data.get("awaiting_verdict"):
        out.append("Verdict       awaiting a person's #soort (the classifier was unsure)")
    if data.get("dispute_flag"):
        out.append(f"Dispute flag  the customer names: {data['dispute_flag']}")
    for a in data["agreements"]:
        out.append(f"Agreement     {a['text']} (by {a['due_date']}{', kept' if a['kept_at'] else ''})")
    return out


def _correspondence(data: dict[str, Any], zone: ZoneInfo) -> list[str]:
    """The messages in and out with their text, then our outgoing mail and where each stands."""
    out = ["", f"Messages ({len(data['messages'])})", "-" * 12]
    for m in data["messages"]:
        arrow = "<-" if m["direction"] == "in" else "->"
        note = " (internal note)" if m["internal"] else ""
        out.append(f"{arrow} {_when(m['date'], zone)}  {m['role']}{note}  {m['from']}")
        out.append(f"   Subject: {m['subject']}")
        if m["flag"]:
            out.append(f"   Flag: {m['flag']}")
        for a in m["attachments"]:
            out.append(f"   Attachment: {a['filename']} ({a['size']} bytes)")
        body = m["stripped_text"].strip() or "(no text)"
        out.append(textwrap.indent(body, "   | ", lambda _line: True))
        out.append("")
    out += [f"Outgoing mail ({len(data['outgoing'])})", "-" * 17]
    for o in data["outgoing"]:
        due = f"{o['status']}, due {_when(o['not_before'], zone)}"
        status = f"sent {_when(o['sent_at'], zone)}" if o["sent_at"] else due
        out.append(f"   {o['kind']:<16} to {', '.join(o['recipients'])}: {status}")
    return out


def _timeline(data: dict[str, Any], zone: ZoneInfo) -> list[str]:
    """The timers still to go off, then every event in order."""
    out = []
    pending = [t for t in data["timers"] if t["status"] == "pending"]
    if pending:
        out += ["", "Coming up", "-" * 9]
        out += [f"   {_when(t['due_at'], zone)}  {t['kind']}" for t in pending]
    out += ["", "Timeline", "-" * 8]
    for e in data["events"]:
        detail = ", ".join(f"{k}={_shown(v, zone)}" for k, v in e["detail"].items() if v not in (None, [], ""))
        out.append(f"   {_when(e['at'], zone)}  {e['kind']:<18} {e['actor']:<24} {detail}")
    return out


def _when(text: str | None, zone: ZoneInfo) -> str:
    """A stored ISO moment in local time; "-" when there is none."""
    return _local(datetime.fromisoformat(text), zone) if text else "-"


def _shown(value: Any, zone: ZoneInfo) -> str:
    """A detail value for the timeline: stored UTC moments in local time, the rest as is."""
    if isinstance(value, str) and len(value) == 25 and value.endswith("+00:00"):
        try:
            return _local(datetime.fromisoformat(value), zone)
        except ValueError:
            return value
    return str(value)


def _local(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "-"
