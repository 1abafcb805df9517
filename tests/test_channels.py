"""How complaints come in (issue 12 item 8): registered by staff from a phone call, a letter or social media,
the channel kept on the case and counted in the reports. Over real Dovecot + SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from attacks import from_our_server
from test_lifecycle import plain

from mailbot.demo import compose_mail
from mailbot.reports.annual import build_year
from mailbot.reports.kpi import load_report
from mailbot.reports.model import Period, names_from

BOT = "klacht@example.nl"


def register(bot, command: str, note: str) -> None:
    """A staff member writes to mailbot: the command on its own line, a note for colleagues, a summary."""
    text = f"Hoi,\n\n{command}\n\n{note}\nklacht: De camera bij de ingang werkt al een week niet.\n\nGroet,\nAnna"
    bot.deliver(from_our_server(bot.rules, compose_mail("medewerker1@example.nl", BOT, "Graag registreren", text)))


@pytest.mark.integration
def test_a_complaint_seen_on_social_media_is_registered_and_counted_apart(bot) -> None:
    register(bot, "#sociaal kim@example.net Kim de Boer", "Gezien op Facebook, reactie met veel likes.")
    register(bot, "#telefonisch kees@example.net Kees Jansen", "Belde om 9 uur.")
    bot.deliver(compose_mail("eva@example.net", BOT, "Camera", "De camera werkt niet. Ik ben ontevreden."))
    bot.run_once()
    store = bot.store()
    channels = {c.customer.email: c.channel for c in store.cases()}
    assert channels == {"kim@example.net": "sociaal", "kees@example.net": "telefonisch", "eva@example.net": "email"}
    (recorded,) = bot.received("kim@example.net")
    text = plain(recorded)
    assert "U schreef op maandag 2 november 2026 op sociale media over een klacht." in text
    assert "zodat uw gegevens niet openbaar worden" in text
    assert "De camera bij de ingang werkt al een week niet." in text
    assert "Facebook" not in text and "likes" not in text  # the colleagues' note stays theirs
    done = plain(next(m for m in bot.received("medewerker1@example.nl") if "Kim de Boer" in plain(m)))
    assert "Nieuwe via sociale media gemelde klacht van Kim de Boer <kim@example.net>" in done

    # The KPI report and the yearly report count each channel.
    period = Period.parse("2026-01-01", "2026-12-31", bot.rules.calendar.timezone)
    report = load_report(store, period, names_from(bot.rules), datetime.now(UTC))
    assert report.per_channel == {"email": 1, "sociaal": 1, "telefonisch": 1}
    year = build_year(2026, store.cases(), [], datetime.now(UTC))
    assert year.per_channel == {"email": 1, "sociaal": 1, "telefonisch": 1}
    assert year.written == 1  # a phone call and a post on social media are not written complaints (Awb 9:1)
