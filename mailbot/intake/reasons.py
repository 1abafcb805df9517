"""Why a message was set aside, in English for the logs and in Dutch for the coordinator's notice.

The reasons are written in English where the code raises Quarantine (logs and events are English);
``reason_nl`` turns each known one into plain Dutch for the quarantine notice, and an unknown one
into a Dutch sentence that quotes it as a technical message.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from mailbot.workdays import format_size_nl

_HEADER_ONLY = "; only its header was read"


def too_large(size: int, limit: int, header_only: bool = False) -> str:
    """The reason for a message over ``cases.max_message_bytes`` (sizes in bytes, read by reason_nl)."""
    return f"message of {size} bytes is over the limit of {limit}" + (_HEADER_ONLY if header_only else "")


def _size(match: re.Match[str]) -> str:
    text = (
        f"Het bericht is te groot: {format_size_nl(int(match['size']))}, "
        f"de grens is {format_size_nl(int(match['limit']))}."
    )
    return text + (" Alleen de kop van het bericht is gelezen." if match["header"] else "")


# English reason (as raised) -> its Dutch text for the coordinator.
_DUTCH: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"message of (?P<size>\d+) bytes is over the limit of (?P<limit>\d+)(?P<header>; only.*)?"), _size),
    (
        re.compile(r"(?P<n>\d+) attachments, over the limit of (?P<limit>\d+)"),
        lambda m: f"Het bericht heeft {m['n']} bijlagen. Wij nemen er ten hoogste {m['limit']} aan.",
    ),
    (
        re.compile(r"cannot parse: (?P<detail>.*)", re.S),
        lambda m: f"Het bericht kon niet worden gelezen. Technische melding: {m['detail']}",
    ),
    (
        re.compile(r"no usable sender address.*"),
        lambda m: "Het bericht heeft geen bruikbaar afzenderadres: de afzender ontbreekt of is onleesbaar.",
    ),
    (
        re.compile(r"forward from (?P<who>\S+) ignored: not authenticated \((?P<why>.*)\)", re.S),
        lambda m: (
            f"Een doorgestuurd bericht van {m['who']} is niet geregistreerd: onze mailserver heeft niet "
            f"bevestigd dat het echt van deze medewerker komt. Technische melding: {m['why']}"
        ),
    ),
    (
        re.compile(r"forwarded by (?P<who>\S+): the forwarded mail reads as automatic \((?P<why>.*)\)", re.S),
        lambda m: f"{m['who']} stuurde een bericht door dat automatisch verstuurd lijkt ({m['why']}).",
    ),
    (
        re.compile(r"(?P<what>.+) from (?P<who>\S+) ignored: not authenticated \((?P<why>.*)\)", re.S),
        lambda m: (
            f"{m['what']} van {m['who']} is niet uitgevoerd: onze mailserver heeft niet bevestigd dat het "
            f"bericht echt van deze afzender komt. Technische melding: {m['why']}"
        ),
    ),
    (
        re.compile(r"mail from staff \((?P<who>[^)]*)\) that belongs to no case and registers none"),
        lambda m: f"Een bericht van een medewerker ({m['who']}) dat bij geen klacht hoort en geen klacht registreert.",
    ),
)


def reason_nl(reason: str) -> str:
    """The Dutch text of a quarantine reason; an unknown one quoted as a technical message."""
    for pattern, dutch in _DUTCH:
        match = pattern.fullmatch(reason)
        if match:
            return dutch(match)
    return f"Het bericht kon niet worden verwerkt. Technische melding: {reason}"
