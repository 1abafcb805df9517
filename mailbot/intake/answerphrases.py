"""The phrases a customer's answer is read by (answers.py), in normalised form: lower case, no accents."""

from __future__ import annotations

# The customer closes the matter ("Nee hoor, er hoeft niets meer te gebeuren"): with a complaint
# beside it ("Alleen jammer dat het zo lang duurde") the answer is no sure escalation.
# fmt: off
CLOSED = (
    "hoeft niets meer", "geen vragen meer", "verder geen vragen", "hoeft niks meer", "niets meer te doen",
    "niks meer te doen", "niets meer nodig", "geen actie meer nodig", "geen verdere actie", "mag dicht",
    "mag het dossier dicht", "dossier mag dicht", "mag de zaak dicht", "mag het dossier gesloten worden",
    "mag gesloten worden", "mag worden gesloten", "kan gesloten worden", "kan worden gesloten", "is goed zo",
    "prima zo", "niets meer aan doen", "niks meer aan doen", "zaak gesloten", "zaak is gesloten",
    "zaak is afgedaan", "mag een streep door", "mag er een streep door", "streep erdoor", "hoeft niet meer",
    "niet meer nodig", "is het klaar", "is het nu klaar", "kwestie hiermee af", "zaak hiermee af",
    "hiermee afgesloten",
)
# fmt: on
# Working again, "weer" or not: "Ja. De lamp brandt weer."
# fmt: off
WORKING_AGAIN = (
    "brandt weer", "branden weer", "werken weer", "doen het weer", "functioneert weer", "functioneren weer",
    "draait weer", "draaien weer", "gaat weer open", "gaan weer open", "gaat weer dicht", "sluiten weer",
    "is gerepareerd", "zijn gerepareerd", "is weer heel",
)
# fmt: on
# In English, as expat customers answer ("thank you" opens unhappy replies as often as content ones).
# fmt: off
ENGLISH_CONTENT = (
    "solved", "fixed", "sorted", "all good", "working again", "works again", "works now", "👍",
)
# fmt: on
# Phrases that say the customer is content, in normalised form (lower case, no accents).
SATISFIED = (
    "tevreden",
    "zeer tevreden",
    "blij",
    "prima",
    "goed",
    "heel goed",
    "in orde",
    "opgelost",
    "akkoord",
    "accoord",
    "top",
    "perfect",
    "uitstekend",
    "keurig",
    "netjes",
    "fijn",
    "super",
    "geweldig",
    "helemaal goed",
    "alles goed",
    "werkt weer",
    "werkt nu",
    "werkt prima",
    "werkt goed",
    "doet het weer",
    "doet het nu",
    "bedankt",
    "dank",
    "dank u",
    "dank u wel",
    "dank je wel",
    "hartelijk dank",
    "dankjewel",
    "dankuwel",
    "klopt",
    "geregeld",
    "naar tevredenheid",
    "ga ik mee akkoord",
    "mee eens",
    "geen klacht",
    "geen klachten",
    "geen probleem",
    "geen problemen",
    "geen last meer",
    "niets aan de hand",
    "niks aan de hand",
    "niets meer aan de hand",
    "niks meer aan de hand",
    "geen storing meer",
    # "stuk" is broken, but "een stuk beter" is much better: the longer phrase wins where both match.
    "een stuk beter",
    "een heel stuk beter",
    "stukken beter",
    "een stuk rustiger",
    "een stuk prettiger",
    "een stuk fijner",
    "veel beter",
    *WORKING_AGAIN,
    *ENGLISH_CONTENT,
    "sluit weer",
    "geen haast",
    "maar geen haast",
    "weer in orde",
    "naar behoren",
    "zijn werk gedaan",
    "haar werk gedaan",
    *CLOSED,
    "excuses aanvaard",
    "excuses geaccepteerd",
    "waardeer",
    "precies wat we wilden",
    "precies wat ik wilde",
    "zo hadden we het bedoeld",
    "chill",
)
# Phrases that say something is still wrong.
DISSATISFIED = (
    "ontevreden",
    "teleurgesteld",
    "slecht",
    "kapot",
    "slechter",
    # "klopt" is content, "klopt niet" is not: the longer phrase wins where both match.
    "klopt niet",
    "klopt gewoon niet",
    "klopt helemaal niet",
    "klopt nog steeds niet",
    "klopt niet meer",
    "niet klopt",
    "terug bij af",
    "werkt niet meer",
    "ik mis",
    "mis ik",
    "ontbreekt",
    "geen excuus",
    "geen excuses",
    "nooit een excuus",
    "nooit excuses",
    "nooit een sorry",
    "geen sorry",
    "niets aan",
    "niks aan",
    "neem ik niet aan",
    "niet beantwoord",
    "beantwoordt mijn vraag niet",
    "ik verwacht",
    "ik eis",
    "eis ik",
    "verwacht ik",
    "stuk",
    "defect",
    "werkt niet",
    "werkt nog steeds niet",
    "werkt weer niet",
    "doet het niet",
    "doet het nog steeds niet",
    "nog steeds",
    "weer mis",
    "te laat",
    "lang geduurd",
    "veel te lang",
    "boos",
    "onacceptabel",
    "belachelijk",
    "schandalig",
    "waardeloos",
    "niemand",
    "geen reactie",
    "niet gekomen",
    "niet nagekomen",
    "oneens",
    "niet mee eens",
    "allesbehalve",
    "geen oplossing",
    "jammer",
    "helaas",
    "ingebroken",
    "inbraak",
    # "Tevreden over de oplossing, maar niet over de communicatie": the contrast says what is wrong.
    "maar niet",
    "maar nog niet",
    "maar geen",
    # Sarcasm: thanks for nothing.
    "bedankt voor niets",
    "bedankt voor niks",
    "dank voor niets",
    "fijn hoor, weer",
    "ja hoor, weer",
    "lekker dan",
    "helaas niet",
    "spijtig genoeg niet",
    "jammer genoeg niet",
    "onaanvaardbaar",
    "doekje voor het bloeden",
    "geen enkel antwoord",
    "geen antwoord op mijn vraag",
    "nog altijd",
    "een probleem bij",
    "probleem erbij",
    "contract op",
    "opzegging",
    # It happened again after our fix: "vannacht ging het weer af", "de ronde is weer overgeslagen".
    "weer af",
    "weer overgeslagen",
    "weer vergeten",
    "weer fout",
    # Holding to one's point against our answer.
    "blijf erbij",
    "blijf er bij",
    "blijf er toch bij",
    "blijf bij mijn standpunt",
)
# A denial after the word it denies ("Opgelost zou ik het niet willen noemen."), and in English.
# fmt: off
DENIED_AFTER = (
    "zou ik het niet noemen", "zou ik het niet willen noemen", "zou ik dat niet noemen",
    "zou ik dat niet willen noemen", "kan ik het niet noemen", "kan ik dat niet noemen", "noem ik het niet",
    "noem ik dat niet", "still broken", "not fixed", "not solved", "not resolved", "doesn't solve",
    "does not solve", "doesn't work", "does not work", "not working", "still not",
)
# fmt: on
# A plain statement of dissatisfaction outweighs any praise in the same answer.
OUTRIGHT = (
    "ontevreden",
    "niet tevreden",
    "niet blij",
    "niet akkoord",
    "niet opgelost",
    "niet mee eens",
    "niet eens",
    "oneens",
    "allesbehalve tevreden",
    "bedankt voor niets",
    "bedankt voor niks",
    "nee dus",
    "dus nee",
    *DENIED_AFTER,
    # Asking for the next internal stage.
    "in beroep",
    "beroep instellen",
    "beroep aantekenen",
    "klachtencommissie",
)
# Naming a lawyer, a court or an outside body: the customer does not accept our answer.
DISPUTE = (
    "advocaat",
    "jurist",
    "juridische stappen",
    "rechter",
    "rechtbank",
    "ombudsman",
    "geschillencommissie",
    "kifid",
)
# Thanks for our mail itself, not for the result: the politeness of a customer who goes on to disagree.
POLITE = (
    "dank voor uw uitleg",
    "dank voor de uitleg",
    "dank u voor uw uitleg",
    "bedankt voor uw uitleg",
    "bedankt voor de uitleg",
    "dank voor uw antwoord",
    "dank u voor uw antwoord",
    "bedankt voor uw antwoord",
    "dank voor uw reactie",
    "dank u voor uw reactie",
    "bedankt voor uw reactie",
    "bedankt voor de reactie",
    "dank voor uw mail",
    "dank u voor uw mail",
    "bedankt voor uw mail",
    "bedankt voor de mail",
    "dank voor uw bericht",
    "bedankt voor uw bericht",
    "dank voor uw brief",
    "bedankt voor uw brief",
    "dank voor uw toelichting",
    "bedankt voor uw toelichting",
)
# "goed" that praises nothing ("Maar de nieuwe man laat net zo goed iedereen zonder pas door").
NOT_PRAISE = ("net zo goed", "zo goed als", "goed en wel", "zo goed mogelijk", "als ik het goed begrijp")
# What went wrong, as a satisfied customer retells it ("de intercom was kapot bij levering, maar ...").
# In a sentence told in the past (PAST_TENSE, nothing of now or "weer") these are the story, not the answer.
# fmt: off
INCIDENT = frozenset({
    "inbraak", "ingebroken", "kapot", "stuk", "defect", "boos", "niemand", "te laat", "lang geduurd", "veel te lang",
    "slecht", "teleurgesteld",
})
# fmt: on
PAST_TENSE = frozenset({"was", "waren", "had", "hadden", "leek", "leken", "destijds", "toen", "eerst", "aanvankelijk"})
# A question marked as another matter ("Andere vraag: verhuist het contract mee?") leaves the answer as it is.
ASIDE = ("andere vraag", "los daarvan", "los van de klacht", "iets anders", "ander punt", "tussen haakjes")
# fmt: off
PARTIAL = (
    "deels", "gedeeltelijk", "voor een deel", "grotendeels", "voor de helft", "half opgelost", "maar half",
    "ja en nee", "jein", "partly",
)
# fmt: on
NEGATORS = frozenset({"niet", "geen", "nooit", "niets", "niks", "nergens", "allesbehalve", "amper", "nauwelijks"})
YES = frozenset({"ja", "jawel", "jazeker", "zeker", "yes", "klopt", "inderdaad"})
NO = frozenset({"nee", "neen", "no", "nope"})
# A first line opening with these says no as "nee" does ("Niet echt, nee.", "Nou nee.").
NO_OPENERS = ("niet echt", "nou nee", "eerlijk gezegd niet", "eerlijk gezegd nee")
