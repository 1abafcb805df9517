"""Deterministic, realistic Dutch customer mail for the benchmark (same seed, same bytes)."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

# Every mail goes to one of the watched addresses of the shipped rules.yaml.
TO_ADDRESSES = ("klacht@example.nl", "beveiliging@example.nl")
DOMAINS = ("example.net", "example.com", "example.org", "mail.example.net", "post.example.com")
# Fixed, in the past of any run: the Date header never depends on when the corpus is made.
BASE_DATE = datetime.fromisoformat("2026-11-16T08:00:00+01:00")

FIRST_NAMES = (
    "Marieke",
    "Peter",
    "Anna",
    "Karel",
    "Sanne",
    "Daan",
    "Sophie",
    "Lucas",
    "Emma",
    "Noah",
    "Fleur",
    "Bram",
    "Lotte",
    "Thijs",
    "Eva",
    "Jeroen",
    "Ingrid",
    "Hans",
    "Willem",
    "Fatima",
    "Mohamed",
    "Yusuf",
    "Priya",
    "Kees",
    "Annelies",
    "Joost",
    "Rik",
    "Marloes",
    "Henk",
    "Gerda",
    "Zoë",
    "Chloë",
    "Renée",
    "Joël",
    "Noël",
    "Inès",
)
LAST_NAMES = (
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "Öztürk",
    "Yılmaz",
    "El Idrissi",
    "Kuijpers",
)
GREETINGS = (
    "Geachte heer, mevrouw,",
    "Beste mensen,",
    "Hallo,",
    "Goedemiddag,",
    "Beste klantenservice,",
    "Geachte klachtencoördinator,",
    "Goedemorgen,",
)
CLOSINGS = ("Met vriendelijke groet,", "Groeten,", "Mvg,", "Hoogachtend,", "Vriendelijke groeten,", "Groet,")

# (subject, opening sentences, follow-up sentences): the body picks a few of each.
COMPLAINTS: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("Monteur niet gekomen", "Afspraak monteur", "Weer geen monteur"),
        (
            "Vorige week dinsdag zou er een monteur komen om onze camera te repareren.",
            "Voor vandaag stond een afspraak met de monteur gepland tussen 8.00 en 12.00 uur.",
            "Ik heb drie weken geleden een afspraak gemaakt voor het onderhoud van het alarmsysteem.",
        ),
        (
            "Er is niemand gekomen en ik heb ook geen reactie gehad.",
            "Ik heb de hele ochtend vrij genomen, maar er kwam niemand.",
            "Toen ik belde, kreeg ik te horen dat de afspraak niet in het systeem stond.",
            "Ik ben hier erg ontevreden over.",
        ),
    ),
    (
        ("Vals alarm", "Alarm gaat steeds af", "Storing alarmsysteem"),
        (
            "Ons alarm gaat de laatste weken steeds 's nachts af zonder enige reden.",
            "Sinds de installatie van de nieuwe sensor hebben we elke week een vals alarm.",
        ),
        (
            "De buren zijn er inmiddels ook klaar mee.",
            "De storing is nog steeds niet opgelost.",
            "Ik verwacht dat u dit snel oplost.",
            "Dit is al de derde keer dat ik hierover mail.",
        ),
    ),
    (
        ("Factuur klopt niet", "Dubbel afgeschreven", "Vraag over factuur"),
        (
            "Op de factuur van oktober staat een bedrag dat veel te hoog is.",
            "Het abonnement is deze maand twee keer van mijn rekening afgeschreven.",
        ),
        (
            "Ik wil graag dat het verschil wordt teruggestort.",
            "Ik heb hier al eerder over gebeld, zonder resultaat.",
            "Graag hoor ik binnen een week wat u gaat doen.",
        ),
    ),
    (
        ("Gedrag beveiliger", "Onbeschofte medewerker", "Klacht over uw beveiliger"),
        (
            "Gisteren was de beveiliger bij de ingang van het winkelcentrum erg onbeschoft tegen mij.",
            "De medewerker aan de balie was onvriendelijk en liet mij niet uitpraten.",
        ),
        (
            "Hij schreeuwde tegen mij terwijl mijn kinderen erbij stonden.",
            "Ik wil hier een klacht over indienen.",
            "Zo ga je niet met klanten om.",
        ),
    ),
    (
        ("Meldkamer reageerde niet", "Niemand nam op", "Geen reactie meldkamer"),
        (
            "Afgelopen zaterdag ging ons alarm af en de meldkamer heeft niets gedaan.",
            "Ik heb gisteravond vier keer de meldkamer gebeld en niemand nam op.",
        ),
        (
            "Dit is onacceptabel voor een beveiligingsbedrijf.",
            "Waar betaal ik eigenlijk voor?",
            "Ik wil weten hoe dit kan gebeuren.",
        ),
    ),
    (
        ("App werkt niet", "Toegangspas defect", "Problemen met de app"),
        (
            "Sinds de laatste update werkt de app niet meer op mijn telefoon.",
            "Mijn toegangspas werkt sinds maandag niet meer bij de achteringang.",
        ),
        (
            "Ik kan het alarm nu niet meer op afstand uitschakelen.",
            "Uw helpdesk kon mij niet verder helpen.",
            "Ik verwacht een oplossing.",
        ),
    ),
)
URGENT = (
    (
        ("Inbraak en alarm ging niet af", "Spoed: inbraak"),
        ("Vannacht is er bij ons ingebroken.",),
        ("Het alarm ging niet af en de meldkamer heeft niets gedaan.", "Ik wil dat u vandaag contact met mij opneemt."),
    ),
)
COMPLIMENTS = (
    (
        ("Compliment voor Jan de Vries", "Compliment", "Dank voor de hulp"),
        ("Ik wil graag een compliment geven aan Jan de Vries.", "Hartelijk dank voor de snelle hulp van vorige week."),
        (
            "Hij heeft ons heel vriendelijk geholpen toen ons alarm steeds afging.",
            "Top service!",
            "Wat fijn dat er zo snel iemand kon komen.",
        ),
    ),
    (
        ("Monteur was geweldig", "Complimenten voor de monteur"),
        ("De monteur die gisteren de camera kwam installeren was geweldig.",),
        ("Alles netjes uitgelegd en opgeruimd.", "Super geholpen, bedankt!"),
    ),
)
ESCALATIONS = (
    (
        ("Ik wil de directeur spreken", "Klacht naar de directie"),
        ("Ik heb al twee keer geklaagd en er gebeurt niets.",),
        ("Ik wil dit nu voorleggen aan de directie.", "Anders stap ik naar de geschillencommissie."),
    ),
)
ACCENTED = (
    "Ik heb al één keer eerder gebeld, maar de coördinator was niet bereikbaar.",
    "De financiële afdeling reageert ook niet op mijn e-mail.",
    "Het systeem is vorig jaar geïnstalleerd door uw collega uit België.",
    "Het gaat om een bedrag van € 129,95 — dat is niet niks.",
    "Mijn zoon zat in het café ernaast en zag alles gebeuren.",
)
HTML_OUTLOOK = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {{margin:0cm; font-size:11.0pt; font-family:"Calibri",sans-serif;}} --></style>
</head><body lang="NL" link="#0563C1"><div class="WordSection1">
{paragraphs}
<p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<table border="0" cellpadding="0"><tr><td><p class="MsoNormal"><b>{name}</b><br>Tel. 06&nbsp;{phone}</p></td></tr>
</table>
</div></body></html>"""
HTML_GMAIL = """<div dir="ltr">{paragraphs}<div><br></div><div>-- <br>
<div dir="ltr" class="gmail_signature">{name}</div></div></div>"""


@dataclass(frozen=True)
class Mix:
    """How often each kind of mail occurs, and how large attachments may get."""

    weights: dict[str, float]
    max_attachment: int = 3_000_000
    min_attachment: int = 20_000


# Plain text only, in the charsets and transfer encodings real clients use.
PLAIN = Mix({"plain-utf8": 0.55, "plain-utf8-qp": 0.15, "latin1-qp": 0.2, "plain-utf8-b64": 0.1})
# The same plus HTML-only mail, multipart/alternative, and attachments up to 3 MB.
MIXED = Mix(
    {
        "plain-utf8": 0.25,
        "latin1-qp": 0.12,
        "plain-utf8-qp": 0.05,
        "html-only": 0.2,
        "alternative": 0.13,
        "attachments": 0.25,
    }
)
# Everyday mail (latency, the backlog): the mixed kinds, attachments kept small so 10,000 mails stay ~200 MB.
EVERYDAY = Mix(
    {
        "plain-utf8": 0.35,
        "latin1-qp": 0.12,
        "plain-utf8-qp": 0.05,
        "html-only": 0.2,
        "alternative": 0.13,
        "attachments": 0.15,
    },
    max_attachment=200_000,
    min_attachment=10_000,
)
MIXES = {"plain": PLAIN, "mixed": MIXED, "everyday": EVERYDAY}


@dataclass(frozen=True)
class Mail:
    """One generated mail: the customer who sends it, its kind and its bytes (CRLF line ends)."""

    customer: str
    kind: str
    raw: bytes


def generate(count: int, mix: Mix, *, seed: int, prefix: str) -> list[Mail]:
    """``count`` mails from ``count`` distinct customers (``prefix`` keeps corpora apart); same seed, same bytes."""
    rng = random.Random(f"{seed}:{prefix}")
    kinds, weights = zip(*mix.weights.items(), strict=True)
    return [_mail(rng, index, rng.choices(kinds, weights)[0], mix, seed, prefix) for index in range(count)]


def digest(mails: Sequence[Mail]) -> str:
    """sha256 over the corpus, to show two runs used the same mail."""
    h = hashlib.sha256()
    for mail in mails:
        h.update(hashlib.sha256(mail.raw).digest())
    return h.hexdigest()


def _mail(rng: random.Random, index: int, kind: str, mix: Mix, seed: int, prefix: str) -> Mail:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    local = _ascii(f"{first}.{last}").replace(" ", "").lower()
    customer = f"{local}.{prefix}{index}@{rng.choice(DOMAINS)}"
    subject, paragraphs = _text(rng, name, accented=kind in ("latin1-qp", "plain-utf8-qp", "plain-utf8-b64"))
    msg = EmailMessage(policy=SMTP)
    msg["From"] = f"{name} <{customer}>"
    msg["To"] = rng.choice(TO_ADDRESSES)
    msg["Subject"] = subject
    msg["Date"] = format_datetime(BASE_DATE + timedelta(seconds=37 * index + rng.randrange(30)))
    msg["Message-ID"] = f"<{seed}.{prefix}.{index}.{rng.getrandbits(48):012x}@{customer.partition('@')[2]}>"
    msg["MIME-Version"] = "1.0"
    msg["User-Agent" if rng.random() < 0.5 else "X-Mailer"] = rng.choice(
        ("Mozilla Thunderbird 128.4", "Microsoft Outlook 16.0", "iPhone Mail (21G93)", "Roundcube Webmail/1.6")
    )
    text = "\n\n".join(paragraphs) + "\n"
    if kind == "plain-utf8":
        msg.set_content(text, cte="8bit")
    elif kind == "plain-utf8-qp":
        msg.set_content(text, cte="quoted-printable")
    elif kind == "plain-utf8-b64":
        msg.set_content(text, cte="base64")
    elif kind == "latin1-qp":
        msg.set_content(_latin1(text), charset="iso-8859-1", cte="quoted-printable")
    elif kind == "html-only":
        msg.set_content(_html(rng, paragraphs[:-1], paragraphs[-1]), subtype="html", cte="quoted-printable")
    elif kind in ("alternative", "attachments"):
        msg.set_content(text, cte="quoted-printable")
        if kind == "alternative" or rng.random() < 0.4:
            msg.add_alternative(_html(rng, paragraphs[:-1], paragraphs[-1]), subtype="html", cte="quoted-printable")
        if kind == "attachments":
            for number in range(rng.choice((1, 1, 1, 2, 3))):
                _attach(msg, rng, number, mix)
    else:
        raise ValueError(f"unknown kind of mail: {kind}")
    for number, part in enumerate(msg.walk()):
        if part.is_multipart():  # the email package draws boundaries from the global random: fix them
            part.set_boundary(f"=_bench_{seed}_{prefix}{index}_{number}")
    return Mail(customer, kind, msg.as_bytes())


def _text(rng: random.Random, name: str, accented: bool) -> tuple[str, list[str]]:
    roll = rng.random()
    pool = COMPLIMENTS if roll < 0.2 else URGENT if roll < 0.25 else ESCALATIONS if roll < 0.3 else COMPLAINTS
    subjects, openings, follow_ups = rng.choice(pool)
    sentences = [rng.choice(openings), *rng.sample(follow_ups, k=min(len(follow_ups), rng.randint(1, 3)))]
    if accented or rng.random() < 0.3:
        sentences.insert(rng.randint(1, len(sentences)), rng.choice(ACCENTED))
    middle = [" ".join(sentences[:2]), " ".join(sentences[2:])] if len(sentences) > 2 else [" ".join(sentences)]
    return rng.choice(subjects), [rng.choice(GREETINGS), *middle, f"{rng.choice(CLOSINGS)}\n{name}"]


def _html(rng: random.Random, paragraphs: list[str], signature: str) -> str:
    closing, name = signature.split("\n")
    paragraphs = [*paragraphs, closing]
    body = [p.replace("&", "&amp;").replace("é", "&eacute;").replace("ë", "&euml;") for p in paragraphs]
    if rng.random() < 0.5:
        html = "\n".join(f'<p class="MsoNormal">{p}<o:p></o:p></p>' for p in body)
        return HTML_OUTLOOK.format(paragraphs=html, name=name, phone=f"{rng.randrange(10**8):08d}")
    html = "".join(f"<div>{p}</div><div><br></div>" for p in body)
    return HTML_GMAIL.format(paragraphs=html, name=name)


def _attach(msg: EmailMessage, rng: random.Random, number: int, mix: Mix) -> None:
    # Log-uniform sizes: most attachments are small, a few are near the maximum.
    size = int(mix.min_attachment * (mix.max_attachment / mix.min_attachment) ** rng.random())
    if rng.random() < 0.5:  # compressed content looks random; the magic bytes make it look typed
        data = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + rng.randbytes(size)
        name = rng.choice(("factuur.pdf", "scan_brief.pdf", "contract 2026.pdf", "Schademelding.pdf"))
        msg.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    else:
        data = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + rng.randbytes(size)
        name = rng.choice(("IMG_2041.jpeg", "foto camera.jpg", "schade-deur.jpg", f"WhatsApp Image {number}.jpeg"))
        msg.add_attachment(data, maintype="image", subtype="jpeg", filename=name)


def _latin1(text: str) -> str:
    """Text a Latin-1 client could have written: other characters as it would degrade them."""
    text = text.replace("€", "EUR").replace("—", "-").replace("ı", "i")
    return text.encode("latin-1", "replace").decode("latin-1")


def _ascii(text: str) -> str:
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii() and (c.isalnum() or c in ". "))
