# ruff: noqa: E501  (one mail per line: the texts are easier to read and edit unwrapped)
"""Set ZI: from the phone, written for mailbot (not taken from any corpus).

About a hundred mails as busy people type them on a phone: one to five lines, no greeting or only "hoi",
lowercase or ALL CAPS, typos, abbreviations (zsm, idd, mvg, gr, ff, aub, ipv), voice-dictation slips
("mon teur", "ik bel eh ik mail", a run-on without punctuation), emoji, Dutch mixed with English, phone
signatures, and Dutch from people whose first language is Polish, Turkish, Arabic or English (small
grammar errors, a word of their own language). Sent to Veilig & Zeker Beveiliging B.V. (beveiliging@ and
klacht@), and fifteen to Gemeente Lindendal (klacht@). Compliments: short thanks ("top gedaan", "dank aan
die man van gisteren"), praise full of incident words (a leak at night, a cut fence, a lost child at the
Sinterklaas parade, an ex who knew the codes), and satisfied answers to our satisfaction check ("jep",
"Ja. duurde wel ff", an apology for an angry mail). Complaints: product, service and behaviour in a few
lines, sixteen urgent as the corpus README defines it (a festival site left unguarded now, a threat to a
driver who must return tonight, a barrier that hit a child and still runs, an open daycare livestream,
codes mailed to an ex under a restraining order, a court deadline, a fire panel switched off in a group
home, a lift hoist broken for a bedridden wife, an objection deadline), plus complaints under our
acknowledgement (kind "ack": more information or a new incident, one urgent). Escalations: phone answers
to our satisfaction check ("nee.", "deels.", "Ja maar ...", "opgelost?? wie heeft dat besloten?", a
question back, "nope"), short replies to our answer, a Geschillencommissie threat, appeals to the
municipality and the ombudsman, four urgent. Automatic mail: out-of-office with and without headers, an
Exchange bounce, a read receipt, a trade-association newsletter, a human post on a neighbourhood mailing
list, a payment and a ticket notification from noreply senders. Labels follow the corpus README's
definitions. Each entry: (subject, body, to, category, urgent, subject_type, kind), as in build.py.
"""

from __future__ import annotations

B, K = "beveiliging@example.nl", "klacht@example.nl"

MAILS: list[tuple[str, str, str, str, bool, str | None, str]] = [
    # --- compliments: short thanks from the phone ----------------------------------------------------
    ("", "top gedaan vannacht!! jullie surveillant zag water onder de deur van de studio uitkomen en belde me om 3u. loodgieter was er om 4u, schade valt mee ❤️\n\nKiki\nNailstudio Glow", B, "compliment", False, None, "new"),
    ("dank", "dank aan die man van gisteren bij de ingang van het winkelcentrum die mn oma over de gladde stoep naar de bushalte heeft gebracht. ze had het er de hele avond over\n\ngr Jessie", B, "compliment", False, None, "new"),
    ("Dziękuję", "Goedemorgen, ik ben Kasia, ik werk nacht in magazijn bij Hoogland Logistiek. Gisteren mijn auto wil niet starten, was heel koud. Jullie beveiliger heeft met kabels geholpen en gewacht tot motor goed draait. Heel aardig, dank je wel!\n\nKasia Nowak", B, "compliment", False, None, "new"),
    ("alarm winkel", "Merhaba, de monteur van zondag heeft alarm in mijn bakkerij gezet. Heel netjes gedaan en hij legt app uit aan mijn zoon want telefoon is moeilijk voor mij. Ik ben tevreden. Çok teşekkürler\n\nMehmet Yıldırım\nBakkerij Anadolu", B, "compliment", False, None, "new"),
    ("visitor badge", "Quick one: your receptionist on the 4th floor sorted my visitor badge in like 2 min when the system was down and walked me to the meeting room. hartelijk bedankt (hope I spelled that right 😅)\n\nTom\n\nSent from my iPhone", B, "compliment", False, None, "new"),
    ("BEWEGINGSMELDER SCHUUR", "DE NIEUWE BEWEGINGSMELDER IN DE SCHUUR DOET HET PRIMA. GEEN VALSE MELDINGEN MEER ALS DE WIND AAN DE DEUREN RAMMELT. EINDELIJK RUST. BEDANKT HOOR\n\nGR KLAAS", B, "compliment", False, None, "new"),
    ("bedankt", "hallo ik wil even zeggen dat de mon teur van vanmorgen de camera bij de schuur zo heeft gedraaid dat ik ook de paarden in de wei kan zien dat had ik niet eens gevraagd super bedankt groetjes Ans", B, "compliment", False, None, "new"),
    ("", "honestly beste beveiliger die we ooit hebben gehad in de studentenflat. kent iedereen bij naam, always chill, en er wordt niks meer gejat uit het fietsenhok. keep him pls 🫡", B, "compliment", False, None, "new"),
    ("meldkamer vannacht", "Uw collega van de meldkamer is vannacht aan de telefoon gebleven tot de politie er was. Ik stond buiten in mn badjas want er liep iemand door de tuin. Fijn dat ik niet alleen was.\n\nGr Marianne\n\nVerstuurd vanaf mijn iPhone", B, "compliment", False, None, "new"),
    ("Dagrapport", "Dagrapporten komen nu elke ochtend voor 7u binnen. Precies zoals gevraagd. Gr, Ton Wessels", B, "compliment", False, None, "new"),
    ("codes", "thnx voor het zo snel omzetten van alle codes toen bleek dat mn ex de oude nog wist. binnen een uur geregeld, ik slaap weer rustig", B, "compliment", False, None, "new"),
    ("Chapeau", "Dag, kort berichtje: de agent aan de ingang van de beurs in de Expohal heeft mijn kinderwagen mee de trap op gedragen want de lift was stuk. Chapeau!\n\nFien", B, "compliment", False, None, "new"),
    ("intocht", "Bij de intocht zondag was mijn dochter (5) even kwijt. Binnen 10 min had een van jullie beveiligers haar gevonden en bij de EHBO-post gezet. Wat een opluchting, dank jullie wel!!\n\nChantal", B, "compliment", False, None, "new"),
    ("geen klacht", "dit is geen klacht hoor ik heb alleen dit adres. de receptioniste bij het tandartsencentrum heeft mijn zoon opgevangen toen hij na het trekken van zn kies flauwviel in de hal. lief hoor\n\nMvg Manja", K, "compliment", False, None, "new"),
    ("kentekencamera", "kentekencamera bij de poort herkent de vrachtwagens weer, snelle actie van jullie monteur vanmorgen 👍👍\n\nRick\nTransport Haarsma", B, "compliment", False, None, "new"),
    ("", "JULLIE NACHTWAKER OP DE BOUW AAN DE VEENWEG IS GOUD WAARD!! HIJ ZAG DAT HET HEK WAS OPENGEKNIPT EN HEEFT METEEN DE POLITIE GEBELD. GASTEN OPGEPAKT MET ONZE KOPERKABEL NOG IN DE BUS\n\nBOUDEWIJN\nUITVOERDER", B, "compliment", False, None, "new"),
    ("intercom mama", "Intercom met camera bij mijn moeder hangt, ze ziet nu eindelijk wie er aanbelt voor ze opendoet. Netjes gedaan en alles afgeplakt. Mvg, Gerda", B, "compliment", False, None, "new"),
    ("nieuwe moskee", "Salam, ik wil bedankt zeggen voor de twee beveiligers bij de opening van ons nieuwe moskeegebouw zaterdag. Zij waren rustig en vriendelijk met de kinderen en met de oude mensen, ook met de buren die kwamen kijken. Heel goed gedaan.\n\nYoussef El Amrani\nbestuur", B, "compliment", False, None, "new"),
    ("enkel", "beveiliger bij de ingang van de sporthal heeft mijn zoon geholpen toen hij bij de wedstrijd zijn enkel verzwikte, ijs gehaald en alles. heel goed, dank u\n\nAyşe", K, "compliment", False, None, "new"),
    # --- compliments: yes to our satisfaction check ------------------------------------------------
    ("Re: Is uw klacht naar tevredenheid opgelost?", "jep helemaal goed 👌", B, "compliment", False, None, "reply"),
    ("RE: Is uw klacht naar tevredenheid opgelost?", "Ja. Werkt weer, duurde wel ff 😅 maar prima\n\nOutlook voor iOS downloaden", B, "compliment", False, None, "outlook"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "yes opgelost, thx! nieuwe pasjes voor de hele afdeling doen het", B, "compliment", False, None, "reply"),
    ("Re: Uw klacht", "Ja is goed zo. De man bij de deur groet nu ook gewoon terug haha\n\nGr Bas", K, "compliment", False, None, "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "Jazeker. En de nieuwe meneer bij de receptie is een schat.\n\nMvg Tineke", K, "compliment", False, None, "reply"),
    ("Re: Uw klacht", "Hoi, bedankt voor het bellen gisteren. Voor mij is het klaar 👍\n\nJurre", B, "compliment", False, None, "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "Ja dank, afgehandeld wat mij betreft.\n\nGroet, F. Terpstra\n\nVerstuurd vanaf mijn iPad", B, "compliment", False, None, "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "Ja!! Sorry voor mijn boze mail van toen trouwens 🙈\n\nGroetjes Lisa", B, "compliment", False, None, "reply"),
    # --- compliments: Gemeente Lindendal ----------------------------------------------------------
    ("paspoort", "Goedemiddag, de man aan de balie van Burgerzaken heeft gisteren vlak voor sluitingstijd nog mijn spoedaanvraag voor paspoort aangenomen. Vandaag opgehaald en morgen kan ik naar mijn zieke moeder in Polen vliegen. Bardzo dziękuję!\n\nAgnieszka", K, "compliment", False, None, "new"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "ja hoor, de nieuwe rolstoel van de gemeente is gebracht en past door de deur. dank u\n\nmvg H. Oosting", K, "compliment", False, None, "new"),
    ("wmo", "de consulent van het Wmo-loket kwam bij mij thuis kijken ipv dat ik met mijn heup naar het gemeentehuis moest. heel fijn geregeld\n\ngr mevr Dijkstra", K, "compliment", False, None, "new"),
    ("thank you", "Hi, just wanted to say the lady at the Gemeente Lindendal desk helped me register my new address in English and was super patient with my papers. Dank je wel!\n\nOlivia", K, "compliment", False, None, "new"),
    # --- complaints: product ---------------------------------------------------------------------
    ("code paneel", "hoi het nieuwe codepaneel zit aan de buitenkant van de poort in de volle regen, na 1 week al vocht achter het glas. graag iemand sturen\n\ngr Maarten", B, "complaint", False, "product", "new"),
    ("camera klikt", "Hallo, de camera die jullie boven mijn winkel hebben geplaatst maakt in de nacht steeds klik-geluid. Mijn kinderen slapen boven de winkel en worden wakker. Kan monteur komen, liefst deze week?\n\nRami Haddad\nHaddad Groente & Fruit", B, "complaint", False, "product", "new"),
    ("app", "lowkey irritant maar de alarm app stuurt elke nacht om 4u een pushmelding 'systeemtest ok'. ik word er elke keer wakker van. kan dat uit??", B, "complaint", False, "product", "new"),
    ("intercom engels", "Sinds de update van vorige week praat de intercom bij de hoofdingang alleen nog Engels. 'Please state your name'. Mijn moeder van 85 snapt er niks van.\n\nMvg Carolien\n\nVerzonden vanaf mijn Samsung Galaxy-smartphone", B, "complaint", False, "product", "new"),
    ("klacht", "goedemiddag ik bel eh ik mail over de camera in de gang die geeft sinds zaterdag alleen nog een blauw scherm met geen signaal ik heb de stekker er al uitgehaald en er weer in maar het helpt niet wil iemand langskomen met vriendelijke groet Joop de Wit", B, "complaint", False, "product", "new"),
    ("keycard", "Hey, my keycard stopped working after the weekend, so every morning I wait at the door until someone lets me in. Our helpdesk says 'contact the security company'. so here I am 🙂\n\nArjun, 3rd floor, Kestrel Software", B, "complaint", False, "product", "new"),
    ("inter com", "de inter com bij de achterdeur van de praktijk zoemt wel maar de deur gaat niet open patiënten staan buiten te wachten tot iemand van ons gaat open doen", B, "complaint", False, "product", "new"),
    # --- complaints: service ---------------------------------------------------------------------
    ("factuur", "Factuur komt nog steeds op naam van mijn man, hij is in juni overleden. Al 3x doorgegeven. Ik wil dit niet elke maand weer zien.\n\nM. Hooijer", B, "complaint", False, "service", "new"),
    ("rondes??", "jullie auto rijdt alleen langzaam over ons terrein en stapt nooit uit, zie ik op onze eigen camera. deuren worden dus niet gecheckt. waar betalen we voor\n\nRamon\nAutobedrijf Lensink", B, "complaint", False, "service", "new"),
    ("open dag", "De beveiliger bij onze open dag zaterdag was op zich aardig, maar niemand had hem verteld dat er een rolstoelingang was. Hij heeft drie mensen in een rolstoel naar de trap gestuurd.\n\nAnnet\nbasisschool De Regenboog", B, "complaint", False, "service", "new"),
    ("sleutelhouder", "We hadden ons afgemeld ivm vakantie, stond ook in het portaal. Toch hebben jullie om 2u snachts mn buurman gebeld als sleutelhouder voor een storing. Hij is 78. Niet de bedoeling he", B, "complaint", False, "service", "new"),
    ("rapport", "hallo veilig en zeker ik mis nog steeds het rapport van de inbraakpoging van 14 november de verzekering vraagt er elke week om kunnen jullie het naar dit adres sturen dank u wel Gert Jan Mulder", B, "complaint", False, "service", "new"),
    ("WAAROM", "WAAROM STAAT ER OP DE FACTUUR 14 UUR WEEKENDTOESLAG?? WIJ ZIJN IN HET WEEKEND DICHT. GRAAG UITLEG\n\nGIJSBERT VONK\nVONK TEGELHANDEL", K, "complaint", False, "service", "new"),
    ("abonnement", "Ik heb in september gevraagd om mijn abonnement te veranderen van winkel naar thuis, want winkel is gesloten. Nog steeds ik betaal voor winkel. Graag terug betalen.\n\nHasan Aksoy", B, "complaint", False, "service", "new"),
    ("", "beste ik wacht al 25 minuten bij de slagboom van de ziekenhuisgarage, intercom wordt niet opgenomen. afspraak bij de cardioloog gemist. lekker dan", B, "complaint", False, "service", "new"),
    # --- complaints: behaviour -------------------------------------------------------------------
    ("beveiliger poort", "Goedendag, wij werken met 6 Poolse mensen nachtdienst bij het distributiecentrum. Jullie beveiliger bij de poort zegt altijd 'hé polak' en lacht. Wij vinden niet leuk, wij hebben ook naam.\n\nPiotr Wiśniewski", K, "complaint", False, "behaviour", "new"),
    ("bruiloft", "Goedenavond. Zaterdag was bruiloft van mijn nichtje in zaal Diamant. Jullie beveiliger wilde mijn oom (72 jaar) niet binnen laten en zegt hard tegen hem 'oude man ga maar naar huis'. Iedereen heeft gezien. Heel respectloos.\n\nEmre Doğan", K, "complaint", False, "behaviour", "new"),
    ("EV chargers", "Hi, your patrol car is parked on the EV charging spots in our garage every night from 11 till 1, so my car doesn't charge. Could you ask the driver to park somewhere else?\n\nJames Whitmore", B, "complaint", False, "behaviour", "new"),
    ("receptie", "De receptioniste riep gisteren mijn naam en 'u bent voor de psychiater toch?' door de hele hal. Stond vol mensen. Ik schaamde me kapot.", K, "complaint", False, "behaviour", "new"),
    ("hond", "monteur heeft vanmorgen de tuindeur open laten staan terwijl ik nog zei dat de hond los liep. hond 2 uur kwijt geweest, gelukkig terug. iets meer opletten aub\n\nDanielle", B, "complaint", False, "behaviour", "new"),
    ("", "jullie beveiliger in de supermarkt aan het Plein eet gewoon uit de snoepbak bij de kassa tijdens zn dienst. mijn kinderen vragen waarom hij dat wel mag 🤷‍♀️", B, "complaint", False, "behaviour", "new"),
    ("monteur", "Dzień dobry, monteur was gisteren in mijn huis voor alarm. Hij rookt op mijn balkon zonder vragen en mijn bloempot is asbak. Niet netjes.\n\nMagda", B, "complaint", False, "behaviour", "new"),
    # --- complaints: urgent ------------------------------------------------------------------------
    ("NU IEMAND STUREN", "nachtwaker op het festivalterrein Lindenpark is om 1u naar huis gegaan, 'ziek'. er staat voor 2 ton aan licht en geluid onbewaakt en het hek is open. NU iemand sturen aub\n\nJesse, productie", B, "complaint", True, "service", "new"),
    ("rookmelder buurvrouw", "De rookmelder bij mijn buurvrouw (92) piept al een half uur en ze doet niet open. Ze is slecht ter been. Jullie meldkamer zegt dat ze het 'genoteerd' hebben maar er komt niemand. Ze heeft het alarm via jullie. Wat moet ik doen??\n\nGreetje, nr 17", B, "complaint", True, "service", "new"),
    ("poort vandaag", "Goedemiddag, vandaag om 13u beveiliger bij de poort van Tuinhof Logistics heeft mij tegen mijn truck geduwd en zegt 'als je vanavond terugkomt sla ik je gezicht kapot'. Ik moet vanavond 22u weer laden daar. Ik ben bang, wat moet ik doen?\n\nMarek Zieliński", B, "complaint", True, "behaviour", "new"),
    ("SLAGBOOM SCHOOL", "de slagboom bij de schoolparkeerplaats is net op het hoofd van mijn zoon (9) gekomen toen hij eronderdoor fietste. hoofdwond, we zitten bij de huisartsenpost. ding staat nog steeds aan en de kinderen fietsen er nog onderdoor!! zet hem uit", K, "complaint", True, "product", "new"),
    ("broer kwijt", "jullie beveiliger op station Lindendal heeft mijn broer (19, autisme) van het perron weggestuurd omdat hij 'raar deed'. hij heeft geen telefoon bij zich en kent de weg hier niet. we zoeken al 2 uur. welke kant heeft hij hem opgestuurd?? bel me\n\nJasmijn", B, "complaint", True, "behaviour", "new"),
    ("livestream open", "Hi, the camera livestream of the daycare room where my son is can be opened with the link without any password. I just tried it on my phone outside the building. Anyone with the link can watch the kids. Please shut it down now.\n\nLaura Mitchell", K, "complaint", True, "product", "new"),
    ("codes naar mn ex", "jullie hebben vanochtend de nieuwe alarmcode en de code van de sleutelkluis naar mijn ex gemaild. er loopt een contactverbod tegen hem. ik ben nu thuis met de kinderen. zsm alles veranderen en bel mij\n\nD. Verhoeven", K, "complaint", True, "service", "new"),
    ("incidentrapport", "Zitting bij de kantonrechter is aanstaande maandag, mijn advocaat moet vrijdag 12u het incidentrapport van 3 oktober indienen. Ik vraag er al 3 weken om. Zonder dat rapport sta ik met lege handen.\n\nRoel Jongman", K, "complaint", True, "service", "new"),
    ("SEH", "jullie bewaker bij de SEH ligt te slapen op een stoel in de wachtkamer en er loopt een man met een kapotte fles te schreeuwen tegen de baliemedewerkster. wij zitten hier met een baby. wakker maken of iemand sturen!!", B, "complaint", True, "behaviour", "new"),
    ("brandmelding staat uit", "Uw monteur heeft vandaag bij onze woongroep de brandmeldcentrale 'even uitgezet voor onderhoud' en is om 4 uur weggegaan. Hij staat nog steeds uit, lampje brandt geel. Hier slapen 14 bewoners met een beperking. Wie komt hem vanavond aanzetten?\n\nHenk Pater, begeleider", B, "complaint", True, "product", "new"),
    ("kermis!!", "jullie bewaker op de kermis heeft mn zoon van 12 bij zn nek gepakt en in een keet gezet. ik mag er niet bij en hij zegt dat ie op de politie wacht. ik hoor mn zoon huilen. kom NU", K, "complaint", True, "behaviour", "new"),
    ("sleutelkluis", "De code van de sleutelkluis bij mijn moeder werkt niet meer sinds jullie update van vanmorgen. Thuiszorg staat voor de deur en kan er niet in. Mijn moeder ligt in bed en moet om 12u insuline. Ik zit zelf in Breda.\n\nRenske", B, "complaint", True, "product", "new"),
    ("loods", "er lopen nu mensen met zaklampen in onze loods, zie ik via het raam van de buren. jullie camera app zegt 'offline' en de meldkamer neemt niet op. politie gebeld maar waar zijn jullie", B, "complaint", True, "service", "new"),
    ("portier", "portier van Club Vibe staat nu buiten met een wapenstok te zwaaien naar een groep jongens, 1 jongen bloedt al. ik sta aan de overkant. dit is jullie personeel toch??", K, "complaint", True, "behaviour", "new"),
    # --- complaints under our acknowledgement (more information or a new incident) -------------------
    ("Re: Wij hebben uw klacht ontvangen", "aanvulling: de kras zit op de voordeur rechtsonder, ca 40 cm, van de ladder van de monteur. fotos heb ik, waar kan ik die heen sturen?\n\nMvg Arend", B, "complaint", False, "product", "ack"),
    ("Re: Uw klacht KL-2026-0700", "en vanochtend weer. nu pakte hij mijn scanner uit mn hand en zn collega stond erbij te lachen. ik ben gewoon bezorger en kom daar elke dag", B, "complaint", False, "behaviour", "ack"),
    ("Re: Ontvangstbevestiging", "ik wacht nog op jullie maar het gebeurt NU weer: alarm van de garage gaat al 25 min, niemand gekomen, kanteldeur staat half open", B, "complaint", True, "service", "ack"),
    ("Re: Uw klacht KL-2026-0700", "Nog informatie: monteur was dinsdag om 10 uur, Ruben heet hij denk ik. Het gat in mijn keukenkast is er nog steeds, deurtje gaat niet meer dicht.\n\nFatma", B, "complaint", False, "product", "ack"),
    # --- complaints: Gemeente Lindendal -----------------------------------------------------------
    ("aanvraag kwijt??", "hoi ik heb in aug. bijzondere bijstand aangevraagd voor de bril van mijn zoon. nu zeggen ze de aanvraag is nooit binnengekomen. ik heb hem zelf aan de balie ingeleverd!! wat nu\n\nShanice", K, "complaint", False, "service", "new"),
    ("balie parkeren", "De medewerkster bij de balie Parkeren van de gemeente zuchtte en rolde met haar ogen toen ik vroeg of ze het nog 1x wilde uitleggen. Ik ben 76, niet dom.\n\nDhr. Luijten", K, "complaint", False, "behaviour", "new"),
    ("scootmobiel", "scootmobiel van de gemeente, accu is na 3 km al leeg. ik kom niet eens bij de supermarkt en terug. 2x gebeld maar niemand belt terug\n\nGr. Harm Stokman", K, "complaint", False, "product", "new"),
    ("schuldhulp", "Goedendag, ik heb in september aangemeld bij gemeente voor schuldhulp. Nog steeds geen afspraak gekregen. Elke dag komen nieuwe brieven. Ik weet niet meer wat ik moet doen.\n\nKhalid", K, "complaint", False, "service", "new"),
    ("rude at the desk", "The man at the Burgerzaken desk refused to speak English with me even though he clearly could, and said 'you live here, learn Dutch'. I was there to register my baby. Not okay.\n\nHannah Reid", K, "complaint", False, "behaviour", "new"),
    ("tillift kapot", "De tillift die de gemeente heeft geleverd doet het sinds gisteravond niet meer. Mijn vrouw ligt sinds gisteren in bed, ik (81) kan haar niet alleen tillen. De leverancier zegt dat de gemeente eerst toestemming moet geven. Wie kan vandaag iets doen??\n\nJ. Meulenbelt", K, "complaint", True, "product", "new"),
    ("bezwaar termijn", "ik moet vrijdag bezwaar maken tegen het stopzetten van mijn uitkering maar ik krijg mijn dossier niet. 3x gebeld. zonder dossier kan ik niks en dan is de termijn voorbij. hulp aub\n\nDenise", K, "complaint", True, "service", "new"),
    # --- escalations: no to our satisfaction check, from the phone ---------------------------------
    ("Re: Is uw klacht naar tevredenheid opgelost?", "nee. nog steeds loopt niemand de rondes", B, "escalation", False, "service", "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "deels. camera voor doet het, camera achter nog steeds zwart", B, "escalation", False, "product", "reply"),
    ("RE: Is uw klacht naar tevredenheid opgelost?", "Ja maar de factuur is nog niet aangepast he. Dat was het hele punt.\n\nGr Joyce", B, "escalation", False, "service", "outlook"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "opgelost?? wie heeft dat besloten? ik heb niemand gesproken en die bewaker staat er gewoon nog", K, "escalation", False, "behaviour", "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "Nee, niet goed. Nog altijd hij zegt rare dingen tegen ons bij de poort. Gesprek heeft niks geholpen.\n\nPiotr", K, "escalation", False, "behaviour", "reply"),
    ("RE: Is uw klacht naar tevredenheid opgelost?", "No. Same guy at the front desk, same attitude. Can I please talk to an actual manager this time?\n\nSent from my iPhone", K, "escalation", False, "behaviour", "outlook"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "nope 👎 monteur is nooit geweest, heb de hele dinsdag voor niks thuis gezeten", B, "escalation", False, "service", "reply"),
    ("Re: Is uw klacht naar tevredenheid opgelost?", "Is hij dan vervangen? Want vanochtend om 5u ging het alarm weer zomaar af en de hele straat stond naast zn bed.", B, "escalation", False, "product", "reply"),
    # --- escalations: short replies to our answer ---------------------------------------------------
    ("Re: Uw klacht", "'voldoende geïnformeerd'? ik weet nog steeds niet wanneer de slagboom gemaakt wordt. gewoon een datum aub", B, "escalation", False, "product", "reply"),
    ("RE: Uw klacht", "Dank voor de brief maar ik ben niet tevreden. U zegt de beveiliger deed 'volgens protocol', maar hij liet mijn moeder met rollator 20 minuten in de regen staan voor de ingang van het ziekenhuis. Dat is geen protocol.\n\nSerdar Koç", K, "escalation", False, "behaviour", "outlook"),
    ("Re: Uw klacht", "Dit is een standaardbrief en de 6 gemiste diensten staan nog steeds op de factuur. Ik leg het voor aan de Geschillencommissie, klaar mee.\n\nVerstuurd vanaf mijn iPhone", B, "escalation", False, "service", "reply"),
    ("Re: Uw klacht", "u schrijft dat het onderzocht is. vannacht weer geen surveillant en nu is er ingebroken, raam van de kantine ligt eruit, alarm is om 3u afgegaan en er is NIEMAND geweest. het is nu half 8 en het pand staat open", K, "escalation", True, "service", "reply"),
    ("Re: Uw klacht", "U schreef dat de koppeling is verwijderd. De link naar onze camera's werkt nog steeds, mijn buurman stuurde hem me net door. Iedereen kan zo onze woonkamer en de kinderkamer in kijken. Nu uitzetten!!\n\nIlse", K, "escalation", True, "product", "reply"),
    ("RE: Uw klacht", "U heeft het 'besproken' met hem. Hij stond net weer bij de fietsenstalling van de school van mijn dochter en riep haar naam. Ze is 14. Ik wil dat hij daar NU weg is.\n\nmvg R. Hoekman", K, "escalation", True, "behaviour", "outlook"),
    # --- escalations: Gemeente Lindendal ------------------------------------------------------------
    ("uw brief van 24 nov", "U schrijft dat 14 weken wachten op een rolstoel via de gemeente 'binnen de normale termijn' valt. Ik zit al die tijd in een geleende rolstoel die te klein is. Ik ben het niet eens met de afhandeling van mijn klacht.\n\nMvg Anne-Fleur Bosch", K, "escalation", False, "service", "new"),
    ("RE: uw klacht", "u schreef dat de bijstand deze week uitbetaald zou worden. niks ontvangen. huur 2 mnd achter en de woningcorporatie zegt ontruiming is volgende week dinsdag. wat nu????\n\nDylan", K, "escalation", True, "service", "new"),
    ("ombudsman", "Ik ben het niet eens met hoe de gemeente mijn klacht over de baliemedewerker heeft afgehandeld. Telefoontje van 5 min en dan 'afgesloten'. Ik stap naar de Nationale ombudsman.\n\nF. Roelofsen", K, "escalation", False, "behaviour", "new"),
    # --- automatic mail ----------------------------------------------------------------------------
    ("Automatisch antwoord: Re: Uw klacht", "Ik ben tot en met 14 december niet aanwezig. Voor de planning kunt u mailen naar planning@hoveniersbedrijf-tamsma.example.net.\n\nGroet,\nJelle Tamsma", B, "auto", False, None, "auto"),
    ("Afwezig", "Bedankt voor je mail! Ik ben met zwangerschapsverlof tot half februari 🍼 Je mail wordt niet doorgestuurd. Voor de administratie: administratie@studio-vandam.example.com", B, "auto", False, None, "new"),
    ("Undeliverable: Re: Uw klacht KL-2026-0733", "Delivery has failed to these recipients or groups:\n\nm.dekkers@bouwgroep-oost.example.com\nThe email address you entered couldn't be found. Please check the recipient's email address and try to resend the message.\n\nDiagnostic information for administrators:\nRemote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", K, "auto", False, None, "auto"),
    ("Gelezen: Uw klacht", "Uw bericht\n\n  Aan: R. Verbruggen\n  Onderwerp: Uw klacht\n  Verzonden: donderdag 12 november 2026 09:14\n\nis gelezen op donderdag 12 november 2026 11:02.", K, "auto", False, None, "new"),
    ("Nieuwsbrief Ondernemersvereniging Lindendal-Zuid, november", "Beste ondernemer,\n\nIn deze editie: de nieuwe parkeerregels op het bedrijventerrein, de collectieve inkoop van camerabewaking voor 2027 en de nieuwjaarsborrel op 8 januari.\n\nU ontvangt deze mail omdat u lid bent. Afmelden kan via de link onderaan.", B, "auto", False, None, "bulk"),
    ("[Buurtpreventie Oost] jongens bij de garageboxen", "iemand die 3 jongens met capuchon bij de garageboxen achter de Lijnbaan heeft gezien gisteravond rond 23u? box 14 is opengebroken. hebben die beveiligers die daar rijden misschien iets gezien?\n\ngr Wil (box 12)", B, "auto", False, None, "bulk"),
    ("Uw betaling is ontvangen", "Beste klant,\n\nWe hebben uw betaling van € 89,50 voor factuur 2026-2210 ontvangen. Dit is een automatisch gegenereerd bericht; u kunt hier niet op antwoorden.", B, "auto", False, None, "noreply"),
    ("[Ticket #48213] Uw melding is ontvangen", "Dit is een automatisch bericht van de servicedesk van Woonstichting Lindenhof. Uw melding 'storing intercom Hof 12' is geregistreerd onder nummer 48213. Wij reageren binnen 3 werkdagen. Reageer niet op deze e-mail.", B, "auto", False, None, "noreply"),
    ("Automatisch antwoord: Uw klacht", "Ik ben op vakantie tot 5 december, zonder laptop. Daarna lees ik je mail!\n\nGroetjes, Jolien", K, "auto", False, None, "auto"),
]
