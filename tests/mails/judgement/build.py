# ruff: noqa: E501  (one mail per line: the texts are easier to read and edit unwrapped)
"""Write our own labelled Dutch mails (written for mailbot, not taken from any corpus) as .eml + labels.json.

    python tests/mails/judgement/build.py

Each entry: (subject, body, to, category, urgent, subject_type, kind). ``kind`` "reply" makes a
reply that quotes our earlier answer (our signature and case tag in the quoted part). They train
the model beside the development part of the corpus (training/train_model.py) and feed the unit tests.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
B, K = "beveiliging@example.nl", "klacht@example.nl"
OUR_ANSWER = """Geachte heer, mevrouw,

Hartelijk dank voor uw bericht. Wij hebben uw klacht onderzocht en met de betrokken
medewerker besproken. Wij vertrouwen erop dat wij u hiermee voldoende hebben geïnformeerd.

Met vriendelijke groet,

Klachtencoördinatie
Veilig & Zeker Beveiliging B.V.
klacht@example.nl"""

OUR_ACK = """Wij hebben uw klacht ontvangen op maandag 2 november 2026. Dank u dat u de moeite neemt om ons dit te laten weten.

Uw klacht heeft het nummer KL-2026-0700. Team Klantenservice behandelt uw klacht. Wij nemen zo snel mogelijk persoonlijk contact met u op.

Met vriendelijke groet,

Klachtencoördinatie
Veilig & Zeker Beveiliging B.V."""

MAILS: list[tuple[str, str, str, str, bool, str | None, str]] = [
    # --- compliments ---------------------------------------------------------------------------
    (
        "Dank!",
        "Ik wil jullie laten weten dat de beveiliger bij ons pand vannacht heel alert was. Hij zag dat de achterdeur niet goed dicht zat en heeft dat meteen opgelost. Top gedaan.\n\nGroet,\nMarieke",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Fijne samenwerking",
        "Beste mensen,\n\nNu het festival achter de rug is wil ik even zeggen dat het team van jullie het weekend fantastisch heeft gedraaid. Geen enkel incident bij de ingang, iedereen vriendelijk en duidelijk. Volgend jaar graag weer.\n\nMet vriendelijke groet,\nKoen Jansen",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Receptie",
        "Goedemiddag,\n\nUw receptioniste Lotte ontvangt onze bezoekers altijd met een glimlach en weet van iedereen de naam. Dat maakt echt verschil voor ons bedrijf. Wilt u dat aan haar doorgeven?\n\nHartelijke groet,\nAnnemiek",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "monteur",
        "hoi! de monteur van vandaag was echt super. snel, netjes en hij legde alles rustig uit aan mijn moeder. dikke duim 👍",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "",
        "Ik heb niks te klagen hoor, integendeel. Sinds jullie de rondes doen is er niet meer ingebroken op het bedrijventerrein. Dat mag ook wel eens gezegd worden.\n\nPiet",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Geen klacht maar een bedankje",
        "Geachte heer, mevrouw,\n\nIk schrijf naar dit adres omdat ik geen ander vond. Het is geen klacht, eerder een bedankje: uw surveillant heeft mijn vader, die in de war was, 's nachts op straat gevonden en veilig thuisgebracht. Wij zijn hem enorm dankbaar.\n\nMet vriendelijke groet,\nFamilie de Boer",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Alarmopvolging",
        "Afgelopen zondag ging ons alarm af en binnen tien minuten stond uw collega voor de deur. Hij heeft alles gecontroleerd en mij daarna keurig gebeld. Zo hoort het. Complimenten!\n\nJ. Smit",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "beveiliger supermarkt",
        "beste,\n\nde beveiliger in onze supermarkt heeft gisteren heel kalm een ruzie tussen twee klanten gesust. geen geschreeuw, geen politie nodig. ik werk er zelf als caissiere en voelde me veilig. echt een aanwinst.\n\ngroetjes Sanne",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Re: Uw klacht over de camera",
        "Dank u wel, het werkt nu allemaal weer prima. Wat mij betreft is het opgelost.\n\nHenk",
        B,
        "compliment",
        False,
        None,
        "reply",
    ),
    (
        "Re: Afhandeling",
        "Nee hoor, ik heb verder geen vragen. De nieuwe pas doet het perfect. Bedankt voor de snelle hulp!",
        K,
        "compliment",
        False,
        None,
        "reply",
    ),
    (
        "Nieuwe installatie",
        "Goedendag,\n\nVorige week is bij ons het nieuwe camerasysteem geplaatst. Ik ben er zeer tevreden over: het beeld is scherp en de app werkt eenvoudig. De installateurs hebben alles netjes achtergelaten.\n\nMet vriendelijke groet,\nEls Verbeek",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Even iets positiefs",
        "Hallo,\n\nJullie horen waarschijnlijk vooral klachten, dus bij deze iets positiefs. De nachtbewaker op ons terrein, Ahmed, is altijd beleefd en behulpzaam. Hij helpt zelfs onze chauffeurs met parkeren. Chapeau!\n\nRuud",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Uitstekende service",
        "Ik wilde u even laten weten dat ik erg blij ben met de manier waarop mijn vraag over de factuur is afgehandeld. Binnen een dag had ik antwoord en een correcte creditnota.\n\nMvg,\nTom",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "bedankt",
        "bedankt voor jullie snelle reactie vannacht toen de melder afging. fijn om te weten dat er iemand op let.",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Compliment voor uw medewerker",
        "Geachte heer, mevrouw,\n\nGisteren was ik op het gemeentehuis voor mijn uitkering. De medewerker aan de balie heeft mij geduldig geholpen met het formulier en nam echt de tijd. Dat waardeer ik zeer.\n\nMet vriendelijke groet,\nMevrouw Yilmaz",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Wmo-aanvraag",
        "Beste gemeente,\n\nMijn aanvraag voor een scootmobiel is snel en goed geregeld. De consulent was vriendelijk en dacht met mij mee. Heel fijn, dank u wel.\n\nGroet,\nDhr. Bakker",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Evenement zaterdag",
        "Top geregeld zaterdag! Jullie mensen waren overal op tijd en wisten wat ze moesten doen. Onze gasten hebben niks gemerkt van de drukte bij de ingang. Respect.\n\nLinda - evenementenbureau Vonk",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Sleutelbeheer",
        "Goedemorgen,\n\nOnze sleutels zijn al twee jaar bij u in beheer en er is nog nooit iets misgegaan. Vanochtend werd onze schoonmaker weer keurig binnengelaten. Prettig om zo'n betrouwbare partner te hebben.\n\nMet vriendelijke groet,\nW. Hoekstra",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    # --- complaints ----------------------------------------------------------------------------
    (
        "Surveillant niet geweest",
        "Goedemorgen,\n\nVolgens de rapportage is de surveillant vannacht drie keer langs geweest, maar onze camera laat zien dat er niemand is gekomen. Ik wil graag weten hoe dit kan.\n\nMet vriendelijke groet,\nBart Verhoeven",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Fijn hoor",
        "Fijn hoor, alweer niemand bij de slagboom vanochtend. Onze vrachtwagens stonden een half uur te wachten. Bedankt voor niets.",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Factuur oktober",
        "DRINGEND verzoek om de factuur van oktober te corrigeren. Er staan uren op die niet zijn gewerkt. Graag zo spoedig mogelijk een nieuwe factuur.\n\nAdministratie Groen BV",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Camera doet het niet",
        "Sinds de installatie vorige week geeft de camera bij de voordeur geen beeld meer in de app. Ik heb al twee keer gebeld maar er is niemand langs geweest. Is dit normaal?\n\nSaskia",
        B,
        "complaint",
        False,
        "product",
        "new",
    ),
    (
        "Gedrag beveiliger",
        "Geachte heer, mevrouw,\n\nBij de ingang van het concert werd ik door uw beveiliger uitgescholden omdat ik een vraag stelde over mijn tas. Hij was ronduit onbeschoft. Ik verwacht dat u hier iets mee doet.\n\nMet vriendelijke groet,\nMark de Wit",
        K,
        "complaint",
        False,
        "behaviour",
        "new",
    ),
    (
        "Niet tevreden",
        "Ik ben allesbehalve blij met de nieuwe toegangspassen. De helft werkt niet en mijn personeel staat elke ochtend buiten.",
        B,
        "complaint",
        False,
        "product",
        "new",
    ),
    (
        "Pand onbewaakt!!",
        "Er staat vanavond niemand bij ons pand terwijl de beveiliger om 18.00 uur had moeten beginnen. Het hek staat open en er ligt voor tonnen aan materiaal. Stuur nu direct iemand!\n\nBouwbedrijf Kramer, 06-12345678",
        B,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Inbraak en geen opvolging",
        "Vannacht is er bij ons ingebroken. Het alarm is om 03.10 uur afgegaan, maar er is niemand van jullie gekomen. De politie is nu hier. Ik wil vandaag nog weten wat er is misgegaan.\n\nK. Visser",
        K,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Bedreiging door beveiliger",
        "Uw beveiliger bij het station heeft mijn zoon van 14 bij zijn keel gepakt en gedreigd hem in elkaar te slaan. Mijn zoon durft niet meer naar school. Ik doe aangifte.\n\nMevrouw Pinas",
        K,
        "complaint",
        True,
        "behaviour",
        "new",
    ),
    (
        "Camerabeelden online",
        "Beelden van uw camera in onze kinderopvang staan op een openbare website. Daarop zijn de kinderen herkenbaar te zien. Haal dit onmiddellijk weg!",
        K,
        "complaint",
        True,
        "product",
        "new",
    ),
    (
        "Moeder buitengesloten",
        "Mijn moeder van 88 met dementie stond vanochtend een uur in de kou voor de deur omdat de sleutelkluis die u heeft geplaatst niet opende. Niemand nam op bij uw meldkamer. Dit is levensgevaarlijk.",
        B,
        "complaint",
        True,
        "product",
        "new",
    ),
    (
        "Rapportage",
        "Kunt u ASAP de rapportage van september sturen? Die hadden we al twee weken geleden moeten hebben.",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "vraag",
        "Waarom staat er op de factuur een toeslag voor weekendwerk terwijl dat in het contract is inbegrepen? Graag uitleg.",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Gemeente reageert niet",
        "Geachte heer, mevrouw,\n\nAl acht weken wacht ik op een besluit over mijn bijstandsuitkering. Ik heb drie keer gebeld en niemand belt terug. Ik kan mijn huur niet meer betalen.\n\nMet vriendelijke groet,\nJ. Ramdin",
        K,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Onbeschofte ambtenaar",
        "De medewerker aan de balie sprak mij neerbuigend toe en lachte mij uit toen ik mijn papieren niet compleet had. Zo behandel je geen mensen.",
        K,
        "complaint",
        False,
        "behaviour",
        "new",
    ),
    (
        "Traplift kapot",
        "De traplift die via de Wmo is geplaatst is nu voor de derde keer kapot. Mijn man kan de trap niet op en slaapt beneden in de stoel.",
        K,
        "complaint",
        False,
        "product",
        "new",
    ),
    (
        "Brandgang geblokkeerd",
        "Bij het evenement gisteravond waren de nooduitgangen met hekken afgesloten op aanwijzing van uw beveiligers. Bij brand had niemand eruit gekund. Dit is onverantwoord en kan vanavond weer gebeuren.",
        K,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Beveiliger sliep",
        "Toen ik om 02.00 uur langs de portiersloge liep, lag uw beveiliger te slapen met zijn telefoon op zijn buik. Niet echt wat we verwachten voor dit geld.",
        B,
        "complaint",
        False,
        "behaviour",
        "new",
    ),
    (
        "Schade na installatie",
        "Bij het plaatsen van de sensoren heeft de monteur een kabel doorgeboord en nu is er lekkage in het plafond. Wie betaalt de schade?",
        B,
        "complaint",
        False,
        "product",
        "new",
    ),
    # --- escalations ---------------------------------------------------------------------------
    (
        "Re: Uw klacht [KL-2026-0412]",
        "Dit is geen oplossing. U schrijft dat het gesprek heeft plaatsgevonden, maar de beveiliger staat er gewoon weer. Ik ben het niet eens met deze afhandeling.\n\nMark",
        K,
        "escalation",
        False,
        "behaviour",
        "reply",
    ),
    (
        "Re: Afhandeling van uw klacht",
        "Ja, maar de surveillant is gisteren wéér niet geweest. Er is dus niets veranderd.",
        B,
        "escalation",
        False,
        "service",
        "reply",
    ),
    (
        "Re: Uw klacht",
        "Nee. Het alarmsysteem geeft nog steeds elke nacht valse meldingen. Ik wil dat iemand van de directie hiernaar kijkt.",
        K,
        "escalation",
        False,
        "product",
        "reply",
    ),
    (
        "Beroep tegen besluit",
        "Geachte directie,\n\nHierbij teken ik beroep aan tegen uw beslissing op mijn klacht van 12 oktober. Het antwoord van uw klachtencoördinator gaat volledig voorbij aan wat er is gebeurd.\n\nHoogachtend,\nmr. P. de Groot",
        K,
        "escalation",
        False,
        "behaviour",
        "new",
    ),
    (
        "Uw brief van 3 november",
        "Geachte heer, mevrouw,\n\nIn uw brief van 3 november schrijft u dat de factuur juist is. Dat klopt niet en ik ben het daar niet mee eens. Ik verzoek u uw beslissing te heroverwegen.\n\nMet vriendelijke groet,\nA. Koster",
        K,
        "escalation",
        False,
        "service",
        "new",
    ),
    (
        "Re: [KL-2026-0388] Uw klacht",
        "Uw antwoord stelt mij helemaal niet gerust. Vanavond staat het terrein weer onbewaakt en er is vorige week al ingebroken. Ik wil vandaag nog een oplossing.",
        K,
        "escalation",
        True,
        "service",
        "reply",
    ),
    (
        "Re: Reactie op uw klacht",
        "Bedankt voor uw reactie, maar ik ben er niet tevreden over. De camera hangt nog steeds scheef en neemt de helft van de oprit niet op.",
        B,
        "escalation",
        False,
        "product",
        "reply",
    ),
    (
        "Klacht over afhandeling",
        "Geachte gemeente,\n\nMijn klacht over de bejegening door uw medewerker is afgedaan met een standaardbrief. Ik ben het niet eens met de afhandeling en wil dat de klachtencommissie ernaar kijkt.\n\nMet vriendelijke groet,\nS. El Idrissi",
        K,
        "escalation",
        False,
        "behaviour",
        "new",
    ),
    (
        "Re: Uw klacht",
        "Dat u sorry zegt is mooi, maar mijn vergoeding ontbreekt nog steeds. Ik wil dit voorleggen aan de directeur.",
        K,
        "escalation",
        False,
        "service",
        "reply",
    ),
    (
        "Re: Uw klacht KL-2026-0511",
        "U belooft beterschap, maar gisteravond werd mijn dochter opnieuw door dezelfde beveiliger geduwd en uitgescholden. Ik eis dat deze man per direct wordt weggehaald.",
        K,
        "escalation",
        True,
        "behaviour",
        "reply",
    ),
    # --- more compliments of the hard kinds: incident words, capitals, slang, Flemish, side remarks ---
    (
        "Val in de hal",
        "Gisteren viel mijn vader in de hal van het ziekenhuis en bloedde flink. Uw beveiliger was er binnen een minuut, belde 112 en bleef bij hem tot de ambulance kwam. Wij zijn hem heel erg dankbaar, zonder hem was het veel erger afgelopen.\n\nFamilie Mulder",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "JULLIE BEVEILIGER",
        "IK MOET HET EVEN KWIJT. JULLIE MAN BIJ DE HAVEN HEEFT VANNACHT MIJN AUTO GERED TOEN ER IEMAND AAN DE DEUR STOND TE TROKKEN. HIJ HEEFT DE POLITIE GEBELD EN DE DIEF IS OPGEPAKT. WAT EEN HELD!!!\n\nGERRIT",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "yo",
        "ff zeggen dat die security gast bij de club zaterdag echt een legend was. bleef chill toen die gozer ging lopen duwen en heeft alles netjes opgelost. props 🙌",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Proficiat",
        "Dag,\n\nIk wou toch eens zeggen dat jullie stewards op de braderie vorige zondag goe bezig waren. Vriendelijk, behulpzaam en altijd in de buurt. Merci daarvoor en tot de volgende keer!\n\nLieve groetjes,\nHilde",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Waterlekkage opgemerkt",
        "Goedemorgen,\n\nTijdens zijn ronde zag uw surveillant dat er water onder de deur van onze winkel door liep. Hij heeft de hoofdkraan dichtgedraaid en ons meteen gebeld. Daardoor bleef de schade beperkt. Enorm bedankt, dit had ons veel geld kunnen kosten.\n\nMet vriendelijke groet,\nBloemenhuis Flora",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Agressieve bezoeker",
        "Geachte heer, mevrouw,\n\nAfgelopen vrijdag werd een van onze medewerkers aan de balie bedreigd door een agressieve bezoeker. Uw beveiliger greep rustig en beslist in en bracht de man naar buiten. Onze medewerker voelde zich daarna weer veilig. Wij willen hem daarvoor nadrukkelijk bedanken.\n\nMet vriendelijke groet,\nHR-afdeling Zorggroep Noord",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Prima ronde",
        "Prima werk van de nachtploeg deze maand. Alleen de rapportjes mogen wat eerder in de mail, maar verder helemaal goed. Ga zo door.\n\nErik",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Re: Uw klacht over de surveillance",
        "Nee hoor, geen klachten meer. Sinds de nieuwe planning komt de surveillant elke nacht netjes langs. Dank u wel voor het oppakken.\n\nGreetje",
        B,
        "compliment",
        False,
        None,
        "reply",
    ),
    (
        "Hulp bij aanvraag",
        "Goede dag,\n\nMijn Nederlands is niet zo goed, sorry. De mevrouw van de gemeente heeft mij heel goed geholpen met de papieren voor mijn huurtoeslag. Zij was geduldig en legde alles twee keer uit. Heel veel dank.\n\nAhmad",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Bedankt voor de snelle actie",
        "Beste mensen van Veilig & Zeker,\n\nToen ons alarm om drie uur 's nachts afging stond uw collega er binnen een kwartier. Er bleek niks aan de hand, maar het geeft een gerust gevoel dat het zo goed geregeld is.\n\nHartelijke groet,\nFam. Peters",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "Complimenten aan Youssef",
        "Onze bewoners zijn erg te spreken over Youssef, die sinds september de avonddienst draait. Hij kent iedereen en let goed op de oudere bewoners. Zou u dit aan hem willen doorgeven?\n\nMet vriendelijke groet,\nVvE De Linde",
        B,
        "compliment",
        False,
        None,
        "new",
    ),
    (
        "De consulent",
        "Ik had niet verwacht dat het zo snel zou gaan, maar binnen twee weken had ik mijn rolstoel. De consulent van de Wmo heeft echt haar best gedaan. Dat verdient een pluim.",
        K,
        "compliment",
        False,
        None,
        "new",
    ),
    # --- more complaints and escalations: urgent versus urgent-sounding -------------------------
    (
        "Spoed: factuur",
        "Graag met spoed een creditnota voor de dubbel gefactureerde uren van week 44. Onze boekhouding sluit vrijdag.",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Beveiliger dronken",
        "Uw beveiliger op het evenemententerrein is op dit moment duidelijk dronken. Hij waggelt en valt bijna. Er zijn hier honderden bezoekers. Haal hem nu weg!",
        K,
        "complaint",
        True,
        "behaviour",
        "new",
    ),
    (
        "Alarm gaat af, niemand komt",
        "Ons alarm gaat al sinds 01.30 uur af en jullie meldkamer zegt steeds dat er iemand onderweg is. Het is nu 03.00 uur en er is nog steeds niemand. Ik sta hier alleen met mijn kinderen.",
        B,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Sleutels kwijt",
        "Uw surveillant heeft de sleutels van ons advocatenkantoor verloren. Er liggen vertrouwelijke dossiers en het slot is nog niet vervangen. Vannacht kan iedereen naar binnen.",
        K,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Vorige week",
        "Vorige week stond er een keer niemand bij de poort. Het is inmiddels opgelost, maar ik wil het wel even melden zodat het niet weer gebeurt.",
        B,
        "complaint",
        False,
        "service",
        "new",
    ),
    (
        "Ongepaste opmerking",
        "Uw receptioniste maakte een ongepaste opmerking over mijn hoofddoek. Ik voelde mij gekwetst en wil dat u dit met haar bespreekt.",
        B,
        "complaint",
        False,
        "behaviour",
        "new",
    ),
    (
        "Intercom",
        "De intercom bij de hoofdingang is al drie weken stuk. Bezoekers kunnen niet aanbellen en staan in de regen. Wanneer komt de monteur?",
        B,
        "complaint",
        False,
        "product",
        "new",
    ),
    (
        "Uitzetting dreigt",
        "Door uw fout is mijn huurtoeslag stopgezet en de woningcorporatie heeft mij een brief gestuurd: over tien dagen word ik uit mijn huis gezet. Ik heb twee kleine kinderen. Help mij alstublieft.",
        K,
        "complaint",
        True,
        "service",
        "new",
    ),
    (
        "Adres doorgegeven",
        "U heeft mijn nieuwe adres, dat afgeschermd is, doorgegeven aan mijn ex-partner tegen wie een contactverbod loopt. Hij stond gisteren voor mijn deur. Ik ben doodsbang.",
        K,
        "complaint",
        True,
        "behaviour",
        "new",
    ),
    (
        "Re: Uw klacht [KL-2026-0601]",
        "Ik heb uw antwoord gelezen maar het klopt gewoon niet. Er is helemaal geen monteur geweest op 2 november. Ik wil dat u dit opnieuw onderzoekt.",
        K,
        "escalation",
        False,
        "product",
        "reply",
    ),
    (
        "Re: Uw klacht",
        "Fijn dat u excuses aanbiedt, maar daar heb ik niets aan. De beveiliger is nog steeds even onbeschoft tegen mijn personeel.",
        B,
        "escalation",
        False,
        "behaviour",
        "reply",
    ),
    (
        "Bezwaar",
        "Geachte heer, mevrouw,\n\nIk ben het niet eens met uw beslissing van 20 november op mijn klacht over de wachttijd voor mijn uitkering. Ik wil dat de Nationale ombudsman hiernaar kijkt als u het niet herziet.\n\nMet vriendelijke groet,\nR. Tahiri",
        K,
        "escalation",
        False,
        "service",
        "new",
    ),
    # --- third batch: no keywords, polite questions, fresh mails about our answer, subject types ---
    ("Zaterdagavond", "Zaterdagavond stond er bij de ingang van ons café een jonge vrouw van jullie. Toen een gast zijn jas niet kon vinden heeft ze samen met hem de hele garderobe doorzocht, en later heeft ze een taxi geregeld voor een meisje dat niet lekker werd. Zulke mensen wil je aan de deur.\n\nMaarten, café De Zwaan", B, "compliment", False, None, "new"),
    ("Nieuwe sloten", "De nieuwe sloten zitten erop en alle medewerkers hebben hun pas. Het ging in één middag, zonder dat de winkel dicht moest. Zo kan het dus ook.\n\nGroet, Ilse", B, "compliment", False, None, "new"),
    ("Meneer Bram", "Mijn moeder (91) vertelde me dat de surveillant die 's avonds langskomt elke keer even vraagt of alles goed gaat. Ze kijkt er inmiddels naar uit. Wilt u hem namens ons de groeten doen?\n\nAnnet", B, "compliment", False, None, "new"),
    ("Nacht van 12 op 13 november", "In de nacht van 12 op 13 november is er geprobeerd in te breken in onze loods. Uw surveillant was er binnen acht minuten, de daders zijn gevlucht zonder iets mee te nemen. De politie was onder de indruk van de snelle reactie.\n\nMet vriendelijke groet,\nTransportbedrijf Van Dam", B, "compliment", False, None, "new"),
    ("Even terugkoppelen", "Even terugkoppelen: de camera's die vorige maand zijn opgehangen hebben vorige week een fietsendief vastgelegd, de politie heeft hem aan de hand van de beelden gevonden. Daar hebben we ze voor!\n\nGijs", B, "compliment", False, None, "new"),
    ("Is dit normaal?", "Goedemiddag,\n\nIs het normaal dat de surveillant zijn ronde al om 22.00 uur afrondt terwijl in ons contract staat dat hij tot 02.00 uur langskomt? Ik zie het op onze camera's.\n\nMet vriendelijke groet,\nR. Doorn", B, "complaint", False, "service", "new"),
    ("Vraag over de factuur", "Beste,\n\nOp de factuur van november staan 46 uur, maar volgens onze eigen registratie waren het er 38. Kunt u nakijken hoe dat zit?\n\nGroet,\nAdministratie", B, "complaint", False, "service", "new"),
    ("Buurman", "Ik woon naast het bedrijventerrein waar jullie bewaking doen. Elke nacht rond drie uur staat jullie auto met draaiende motor en felle lampen op mijn slaapkamer gericht. Ik ben geen klant, maar ik slaap er slecht van.", B, "complaint", False, "behaviour", "new"),
    ("Reactie van 18 november", "Geachte heer, mevrouw,\n\nOp 18 november ontving ik uw reactie op mijn klacht over de alarminstallatie. U schrijft dat de storing door mijn eigen wifi komt. Uw monteur heeft echter zelf vastgesteld dat de centrale defect is. Ik verzoek u hier opnieuw naar te kijken.\n\nMet vriendelijke groet,\nH. Brouwer", K, "escalation", False, "product", "new"),
    ("Ter attentie van de directeur", "Geachte directeur,\n\nMijn klacht over de bejegening door uw beveiliger is door uw klachtencoördinator afgedaan met de mededeling dat de beveiliger volgens de regels handelde. Ik leg de zaak daarom aan u voor.\n\nHoogachtend,\nF. Wouters", K, "escalation", False, "behaviour", "new"),
    ("Re: Ontvangstbevestiging van uw klacht", "Aanvulling op mijn klacht: vannacht is er opnieuw niemand geweest. Ik stuur twee foto's van de lege portiersloge mee.", B, "complaint", False, "service", "ack"),
    ("Re: Ontvangstbevestiging van uw klacht", "Nog een aanvulling: de monteur heeft bij het ophangen van de camera ook de dakgoot beschadigd.", B, "complaint", False, "product", "ack"),
    ("Poort staat open", "De elektrische poort van ons terrein staat sinds een uur open en gaat niet meer dicht. Jullie meldkamer neemt niet op. Er staan twintig auto's van klanten op het terrein en het wordt zo donker.", B, "complaint", True, "product", "new"),
    ("Kind alleen buiten", "Uw beveiliger heeft mijn dochter van 9 vanmiddag de winkel uitgezet omdat ze zonder ouder binnen was. Ze stond alleen buiten in de regen en wist niet hoe ze thuis moest komen. Ik vind dit onverantwoord.", B, "complaint", True, "behaviour", "new"),
    ("Beelden op Facebook", "Iemand heeft camerabeelden uit ons pand op Facebook gezet, met daarop mijn medewerkers. Volgens de tijdcode komen ze uit uw systeem. Ze worden nu gedeeld en er komen dreigende berichten bij.", K, "complaint", True, "product", "new"),
    ("Incident juli", "In juli heeft een beveiliger van u bij ons een klant ten onrechte vastgehouden. Dat is toen met de klant opgelost, maar ik wil het voor de volledigheid nog bij u melden voor uw dossier.", K, "complaint", False, "behaviour", "new"),
]


def build() -> None:
    """Write one .eml per entry and labels.json."""
    labels = []
    start = datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    for n, (subject, body, to, category, urgent, subject_type, kind) in enumerate(MAILS, 1):
        msg = EmailMessage()
        msg["From"] = f"Schrijver {n} <schrijver{n}@mail.example.com>"
        msg["To"] = to
        msg["Subject"] = subject
        msg["Date"] = format_datetime(start + timedelta(hours=7 * n))
        msg["Message-ID"] = f"<eigen-{n}@mail.example.com>"
        text = body
        if kind == "ack":
            msg["In-Reply-To"] = f"<ontvangst-{n}@example.nl>"
            quoted = "\n".join("> " + line for line in OUR_ACK.splitlines())
            text = f"{body}\n\nOp 1 nov. 2026 om 10:15 schreef Klachten <{K}>:\n{quoted}\n"
        if kind == "reply":
            msg["In-Reply-To"] = f"<antwoord-{n}@example.nl>"
            quoted = "\n".join("> " + line for line in OUR_ANSWER.splitlines())
            text = f"{body}\n\nOp 1 nov. 2026 om 10:15 schreef Klachten <{K}>:\n{quoted}\n"
        msg.set_content(text)
        name = f"j{n:03d}.eml"
        (HERE / name).write_bytes(bytes(msg))
        labels.append({"file": name, "to": to, "category": category, "urgent": urgent, "subject_type": subject_type})
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(labels)} mails written to {HERE}")


if __name__ == "__main__":
    build()
