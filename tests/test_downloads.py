"""How a backlog is cut into downloads (mailbot.mail.downloads): bounded batches, a large message as its header."""

from __future__ import annotations

from mailbot.mail.downloads import HEADER_ONLY, WHOLE, Download, plan_downloads


def test_batches_are_bounded_in_count_and_bytes_and_keep_the_uid_order() -> None:
    sizes = {1: 10, 2: 10, 3: 10, 4: 50, 5: 10}
    plan = list(plan_downloads([1, 2, 3, 4, 5], sizes, max_message_bytes=100, most=2, most_bytes=60))
    assert plan == [Download([1, 2], WHOLE), Download([3, 4], WHOLE), Download([5], WHOLE)]


def test_a_message_over_the_limit_comes_as_its_header_alone_between_the_batches() -> None:
    sizes = {1: 10, 2: 500, 3: 10}
    plan = list(plan_downloads([1, 2, 3], sizes, max_message_bytes=100, most=50, most_bytes=1000))
    assert plan == [Download([1], WHOLE), Download([2], HEADER_ONLY, 500), Download([3], WHOLE)]


def test_an_expunged_message_is_left_out_and_nothing_asked_gives_no_download() -> None:
    assert list(plan_downloads([7, 8], {8: 5}, 100, 50, 1000)) == [Download([8], WHOLE)]
    assert list(plan_downloads([], {}, 100, 50, 1000)) == []
