"""How new mail is downloaded: in batches bounded in count and bytes, a message over the limit as its header only."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

WHOLE = "BODY.PEEK[]"  # PEEK leaves the \Seen flag alone
HEADER_ONLY = "BODY.PEEK[HEADER]"


@dataclass(frozen=True)
class Download:
    """One FETCH: these UIDs, this part; ``size`` is set for a header downloaded instead of a too large message."""

    uids: list[int]
    part: str
    size: int | None = None


def plan_downloads(
    uids: Sequence[int], sizes: Mapping[int, int], max_message_bytes: int, most: int, most_bytes: int
) -> Iterator[Download]:
    """The downloads for ``uids`` in order: at most ``most`` messages and ``most_bytes`` bytes each
    (a message over it comes alone), a message over ``max_message_bytes`` as its header alone.

    A UID without a size was expunged by someone else meanwhile and is left out.
    """
    batch: list[int] = []
    batch_bytes = 0
    for uid in uids:
        if uid not in sizes:
            continue  # expunged by someone else meanwhile
        size = sizes[uid]
        if size > max_message_bytes:
            if batch:
                yield Download(batch, WHOLE)
            batch, batch_bytes = [], 0
            yield Download([uid], HEADER_ONLY, size)
            continue
        if batch and (len(batch) >= most or batch_bytes + size > most_bytes):
            yield Download(batch, WHOLE)
            batch, batch_bytes = [], 0
        batch.append(uid)
        batch_bytes += size
    if batch:
        yield Download(batch, WHOLE)
