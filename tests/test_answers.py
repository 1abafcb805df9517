"""Reading a customer's answer to the satisfaction check or a solution proposal (mailbot/intake/answers.py).

The answers below are written for these tests, in the ways customers answer: one word, "ja, maar",
"nee hoor", a question back, "deels", negations, thanks, sarcasm, a lawyer named.
"""

from __future__ import annotations

import pytest

from mailbot.intake.answers import Answer, dispute_mentions, read_answer
from mailbot.models import Category

S, D, U = Answer.SATISFIED, Answer.DISSATISFIED, Answer.UNCLEAR

ANSWERS = [
    # Plain yes and no, in the context of "Bent u tevreden? Antwoord met ja of nee."
    ("Ja", S),
    ("ja.\n\nMet vriendelijke groet,\nKarin", S),
    ("Nee.", D),
    ("Nee, ik ben niet tevreden.", D),
    # "Ja, maar ..." is a no.
    ("Ja, maar de monteur was weer te laat.", D),
    ("Ja maar het heeft wel erg lang geduurd voordat er iemand kwam", D),
    ("Jawel, maar de camera bij de achterdeur doet het nog steeds niet.", D),
    # "Nee hoor" answers "any problems left?": the words decide.
    ("Nee hoor, alles werkt prima nu. Dank u wel!", S),
    ("Nee hoor, geen klachten meer. Fijn dat het zo snel geregeld is.", S),
    ("Nee hoor.", U),
    ("Nee hoor, niks meer aan de hand. Fijne dag!", S),
    # Whole-text reading without a yes or no.
    ("Het alarm doet het weer, hartelijk dank voor de snelle hulp.", S),
    ("Alles is in orde, de nieuwe pas werkt goed.", S),
    ("De camera is opnieuw kapot gegaan, precies hetzelfde als vorige maand.", D),
    ("Ik ben er allesbehalve blij mee.", D),
    ("Ik ben er niet echt blij mee, eerlijk gezegd.", D),
    ("Bedankt voor niets. Er is nog steeds niemand geweest.", D),
    ("Ik ben het niet eens met deze oplossing.", D),
    # A question back: a person answers it first.
    ("Wanneer komt de monteur de sensor vervangen?", U),
    ("Ja, prima. Wordt de factuur van oktober nog gecrediteerd?", U),
    # Partly: the owner decides (see the module's reason).
    ("Deels. De voordeur is gerepareerd, de achterdeur nog niet.", U),
    ("Gedeeltelijk tevreden, het gaat in elk geval beter dan eerst.", U),
    # Mixed, settled by what comes after "maar".
    ("De monteur was heel vriendelijk, maar het alarm gaat nog steeds 's nachts af.", D),
    ("Het duurde te lang, maar nu werkt alles prima. Dank u.", S),
    ("Ik ben tevreden over de oplossing, maar niet over hoe er met mij werd gepraat.", D),
    # Praise followed by "maar" and something else: the owner reads it.
    ("Prima, maar ik wil wel de kosten van de slotenmaker vergoed krijgen.", U),
    ("Het werkt weer, maar de kabel hangt nog los in de gang.", U),
    ("Ja, maar ik heb nog wel een vraag over de factuur.", U),
    ("Ja, de nieuwe recorder werkt. Maar de beelden staan op een link die iedereen kan openen.", U),
    # A lawyer named: never satisfied, whatever else is said.
    ("Ja hoor, ik laat het verder aan mijn advocaat over.", D),
    # "een stuk beter" is much better; "stuk" alone is broken.
    ("Ja hoor. De beveiliger is vervangen en de sfeer bij de ingang is een stuk beter.", S),
    ("Het is een stuk rustiger op het terrein sinds de extra ronde.", S),
    ("Het slot van de achterdeur is weer stuk.", D),
    # "Doe maar" is a go-ahead, not "ja, maar"; an eye-roll or an upside-down smile is no content answer.
    ("Ja, doe maar, dan komt de monteur volgende week.", S),
    ("Ja hoor, laat maar zitten, het werkt weer.", S),
    ("Opgelost hoor 🙄 Nu gaat het alarm om vier uur af in plaats van om drie.", U),
    ("Top 🙃", U),
    # "goed" in a comparison praises nothing: what follows "maar" is no content answer.
    ("Ja, de beveiliger is vervangen. Maar de nieuwe laat net zo goed iedereen zonder pas binnen.", U),
    ("Het is er een stuk slechter op geworden.", D),
    # Nothing left to do closes; a "nee" followed by a story that says neither goes to a person.
    ("Nee, er hoeft niets meer te gebeuren. Het hek sluit weer.", S),
    ("Nee, wat mij betreft mag het dossier dicht.", S),
    ("Nee, de nachtdienst loopt nu ook langs de containers achter op het terrein.", U),
    ("Nee, helemaal niet.", D),
    ("Nee, een nieuwe camera lost het niet op, de bekabeling is het probleem.", D),
    ("Nee, ik heb verder geen vragen meer. Fijne dag.", S),
    # "klopt niet" is not "klopt"; a sentence opening with "Alleen" or "Wel" turns the answer as "maar" does.
    ("Ik heb uw antwoord gelezen, maar het klopt gewoon niet.", D),
    ("Ja, de dagrapporten komen weer binnen. Alleen staan ze op naam van een ander pand.", U),
    ("Hartelijk dank voor uw snelle reactie. Wel mis ik in uw brief een excuus.", D),
    # Dangers named are never content, whatever word of praise stands beside them.
    ("Hij zei dat ze maar beter goed op kon letten. Ze durft niet meer alleen naar huis. Ik deed aangifte.", U),
    ("Prima geregeld, alleen is er vannacht weer ingebroken.", D),
    # The old trouble retold in the past is the story, not the answer; "weer" makes it now again.
    (
        "Ja hoor. De deurbel was kapot toen hij kwam, maar hij had er een bij zich. Nu werkt alles naar behoren.",
        S,
    ),
    ("Ja. Na de inbraak was ik erg boos. Het gesprek met uw teamleider heeft veel goedgemaakt.", S),
    ("De surveillant was gisteren weer te laat.", D),
    # Our own words quoted back are not the customer's praise; thanks for our mail is politeness.
    ("Ja, volgens uw brief was het 'een goed gesprek'. Gisteren schold hij mijn zoon opnieuw uit.", U),
    # "Nee." as a sentence of its own answers our "ja of nee?" whatever the story after it.
    ("Nee. Volgens uw brief was het 'een goed gesprek'. Gisteren schold hij mijn zoon opnieuw uit.", D),
    ("Nee hoor, er mag een streep door. Dank voor het meedenken.", S),
    ("nee, niet meer nodig. de slagboom gaat weer op tijd dicht", S),
    ("Helaas niet. De melder in de serre gaat nog altijd af als de kat langsloopt.", D),
    # Sarcasm, as the classifier's lexicon knows it.
    ("Knap hoor, drie alinea's en geen woord over de gemiste ronde.", D),
    ("Goh, wat een verrassing. Het ligt dus weer aan ons.", D),
    # A question marked as another matter does not hold up a clear yes.
    ("Ja hoor, helemaal goed zo. Andere vraag: kan het contract mee naar ons nieuwe adres?", S),
    ("Dank voor uw uitleg. Ik blijf erbij dat de rekening te hoog is.", D),
    ("Dank u voor de tegoedbon. Daar koop ik geen nieuwe deur van. Nee dus.", D),
    # Sarcasm: it happened again.
    ("Ja hoor, weer een brief met excuses. Gisteren is de ronde weer overgeslagen.", D),
    ("Geweldig. Sinds de reparatie ging het alarm vannacht drie keer weer af.", U),
    # Working again is content, "weer" or not; a light that goes off again is not.
    ("Ja. De lamp brandt weer.", S),
    ("Ja, helemaal. De poort gaat weer open met de afstandsbediening.", S),
    ("Ja. Maar het alarm gaat weer af.", D),
    # The customer closes the matter and adds a remark: a person reads it, no escalation.
    ("Nee hoor, er hoeft niks meer, de nieuwe pas werkt. Alleen jammer dat het vier weken duurde.", U),
    ("Nee, niks meer aan doen. Alleen een tip: de monteur kon ons adres slecht vinden.", U),
    ("Ja, de nieuwe beveiliger doet het goed, maar ik heb nooit een excuus gekregen.", D),
    # "Yes and no" is partly solved; a denial may follow the word it denies.
    ("Ja en nee.", U),
    ("Opgelost zou ik het niet willen noemen. De deur klemt nog net zo.", D),
    ("Niet echt, nee.", D),
    ("Nou nee.", D),
    # Expat customers answer in English.
    ("Solved, thank you.", S),
    ("Thanks, all sorted.", S),
    ("No, still broken.", D),
    ("Yes, thanks, but the invoice is still not fixed.", D),
    ("👍", S),
    # Nothing to go on.
    ("Ik ben morgen de hele dag thuis.", U),
    ("", U),
]


@pytest.mark.parametrize(("text", "expected"), ANSWERS, ids=[a[0][:40] or "(empty)" for a in ANSWERS])
def test_answers_are_read_from_the_customers_own_words(text: str, expected: Answer) -> None:
    reading = read_answer(text)
    assert reading.answer == expected, reading.reason
    assert reading.reason  # the owner is always told why


def test_there_are_at_least_twenty_answers() -> None:
    assert len([t for t, _ in ANSWERS if t]) >= 20


def test_the_administrators_phrases_still_count_but_bare_yes_and_no_do_not() -> None:
    assert read_answer("Dat zit wel snor.").answer == U
    assert read_answer("Dat zit wel snor.", extra_satisfied=["zit wel snor"]).answer == S
    assert read_answer("Het blijft behelpen.", extra_dissatisfied=["behelpen"]).answer == D
    # "nee" in the admin's list would turn "Nee hoor, prima" into a no: the first line decides that.
    assert read_answer("Nee hoor, prima zo.", extra_dissatisfied=["nee"]).answer == S


def test_reasons_quote_the_words_that_decided() -> None:
    assert "te laat" in read_answer("Ja, maar de monteur was weer te laat.").reason
    assert "advocaat" in read_answer("Mijn advocaat neemt contact op.").reason


def test_dispute_mentions_name_each_body_once_in_order() -> None:
    text = "Mijn jurist zegt dat ik naar de Geschillencommissie kan. Mijn jurist heeft gelijk."
    assert dispute_mentions(text) == ("jurist", "geschillencommissie")
    assert dispute_mentions("De monteur kwam op tijd.") == ()
    assert dispute_mentions("Ik stap naar de rechter", ["rechter"]) == ("rechter",)


@pytest.mark.parametrize(
    ("answer", "category", "confidence", "expected"),
    [
        (Answer.SATISFIED, Category.ESCALATION, 0.9, Answer.UNCLEAR),  # the judgement is sure it is unhappy
        (Answer.SATISFIED, Category.ESCALATION, 0.55, Answer.SATISFIED),  # "Ja, akkoord" under our quoted answer
        (Answer.SATISFIED, Category.COMPLIMENT, 0.9, Answer.SATISFIED),
        (Answer.DISSATISFIED, Category.COMPLIMENT, 0.55, Answer.UNCLEAR),
        (Answer.DISSATISFIED, Category.ESCALATION, 0.9, Answer.DISSATISFIED),
        (Answer.UNCLEAR, Category.COMPLIMENT, 0.9, Answer.UNCLEAR),
    ],
)
def test_closing_or_escalating_needs_the_judgement_not_to_disagree(
    answer: Answer, category: Category, confidence: float, expected: Answer
) -> None:
    from mailbot.intake.answers import Reading, cross_checked

    checked = cross_checked(Reading(answer, "de klant schrijft 'x'"), category, confidence, 0.6)
    assert checked.answer == expected
    assert checked.reason.startswith("de klant schrijft 'x'")
