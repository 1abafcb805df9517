"""A phone or letter complaint's confirmation quotes only what staff wrote for the customer (issue 13 item 5)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from mailbot.cases.recorded import customer_summary, recorded_words


def test_only_the_klacht_line_is_for_the_customer() -> None:
    note = (
        "Mevrouw De Groot belde om 10.15 uur, erg boos.\nklacht: De monteur kwam niet op de afspraak.\nBel haar terug."
    )
    assert customer_summary(note) == "De monteur kwam niet op de afspraak."


def test_a_summary_the_mail_client_wrapped_is_whole() -> None:
    first = "Samenvatting: De camera bij de voordeur werkt al sinds vorige week niet en de"
    assert len(first) >= 60
    note = f"{first}\nmonteur is twee keer niet gekomen.\nIntern: klant is VIP."
    assert customer_summary(note) == (
        "De camera bij de voordeur werkt al sinds vorige week niet en de monteur is twee keer niet gekomen."
    )


def test_without_a_summary_nothing_of_the_note_is_quoted() -> None:
    assert customer_summary("Meneer belde: klonk boos over de sleutelkluis.") == ""
    words = recorded_words("Meneer belde.", datetime(2026, 11, 2, 23, 30, tzinfo=ZoneInfo("Europe/Amsterdam")))
    assert words == {"summary": "", "contact_date": "maandag 2 november 2026"}
