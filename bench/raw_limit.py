"""The raw limit: mailbot's libraries with none of mailbot's work (a standalone script, run as a subprocess).

FETCH ``BODY.PEEK[]`` in batches of 50 with imapclient, ``mailparser.parse_from_bytes`` each message, and
send one small reply per message with aiosmtplib over one reused connection. No database, no
classification, no templates, no MOVE. Prints one JSON line: the seconds from before the IMAP login to
after the SMTP QUIT (imports and interpreter start-up excluded, as for bench/mailbot_once.py).

    python bench/raw_limit.py --imap-url imap://user:pw@127.0.0.1:PORT/INBOX --smtp-url smtp://127.0.0.1:PORT
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import unquote, urlsplit

import aiosmtplib
import mailparser
from imapclient import IMAPClient

BATCH = 50  # mailbot's FETCH_BATCH
SENDER = "klacht@example.nl"
# About the size of mailbot's acknowledgement (text and HTML part, ~3 KB).
REPLY = (
    "From: Klachtencoordinatie <klacht@example.nl>\r\nTo: {to}\r\nSubject: Ontvangstbevestiging\r\n"
    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + "Wij hebben uw bericht ontvangen.\r\n" * 90
)


async def run(imap_url: str, smtp_url: str) -> dict[str, float | int]:
    """Fetch, parse and answer every message in the folder; return counts and seconds."""
    imap, smtp_parts = urlsplit(imap_url), urlsplit(smtp_url)
    started = time.perf_counter()
    client = IMAPClient(imap.hostname or "127.0.0.1", port=imap.port or 143, ssl=False, timeout=60)
    client.login(unquote(imap.username or ""), unquote(imap.password or ""))
    client.select_folder(unquote(imap.path.lstrip("/")) or "INBOX", readonly=True)
    uids = sorted(client.search("ALL"))
    smtp = aiosmtplib.SMTP(hostname=smtp_parts.hostname, port=smtp_parts.port, start_tls=False, timeout=60)
    await smtp.connect()
    parsed = sent = size = 0
    for start in range(0, len(uids), BATCH):
        chunk = uids[start : start + BATCH]
        data = client.fetch(chunk, [b"BODY.PEEK[]"])
        for uid in chunk:
            raw = data[uid][b"BODY[]"]
            size += len(raw)
            mail = mailparser.parse_from_bytes(raw)
            parsed += 1
            to = mail.from_[0][1] if mail.from_ else SENDER
            errors, _ = await smtp.sendmail(SENDER, [to], REPLY.format(to=to).encode())
            sent += not errors
    await smtp.quit()
    client.logout()
    return {"seconds": time.perf_counter() - started, "messages": parsed, "sent": sent, "bytes": size}


def main() -> None:
    """Command line: print the result as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imap-url", required=True, help="imap://user:password@host:port/FOLDER")
    parser.add_argument("--smtp-url", required=True, help="smtp://host:port")
    args = parser.parse_args()
    print(json.dumps(asyncio.run(run(args.imap_url, args.smtp_url))))


if __name__ == "__main__":
    main()
