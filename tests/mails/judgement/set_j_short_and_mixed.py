# ruff: noqa: E501  (one mail per line: the texts are easier to read and edit unwrapped)
"""Set J: short and mixed, written for mailbot (not taken from any corpus).

Fresh mails by people who write little: one to four sentences, often without greeting, sometimes only a
subject and one line. Phone-typed lowercase with abbreviations and emoji, voice-to-text with spelled-out
punctuation ("punt", "komma") and split words ("be waker", "meld kamer"), elderly people writing formally
but briefly, and a few in English or a German-Dutch mix. The category is clear to a careful reader but
rarely spelled out with the usual words: compliments that only say what went right or ask to pass
something on (one asks for a guard's name so a card can be sent), complaints that only describe what
happened or ask a pointed question, and fifteen urgent complaints in a few words (a site unguarded now,
an alarm not followed up, aggression, a vulnerable person waiting for help). All are fresh mails (kind
"new"); none refers to an earlier answer of ours, so there are no escalations. Labels follow the
corpus README's definitions. Each entry: (subject, body, to, category, urgent, subject_type, kind), as in build.py.
"""

from __future__ import annotations

B, K = "beveiliging@example.nl", "klacht@example.nl"

MAILS: list[tuple[str, str, str, str, bool, str | None, str]] = [
    # --- compliments: what went right, or please pass it on ------------------------------------------
    ("", "jullie jongen bij de ingang van sporthal De Vijfsprong wist meteen waar de rolstoel van mn zoon kon staan en hield de deur open tot we binnen waren. tnx 🙏", B, "compliment", False, None, "new"),
    ("Sleutel", "Geachte heer, mevrouw,\n\nVanochtend om zeven uur had ik mijzelf buitengesloten. Uw medewerker stond binnen het half uur met mijn reservesleutel voor de deur.\n\nHoogachtend,\nMw. C. Hoogendijk-Rademaker", B, "compliment", False, None, "new"),
    ("app", "sinds de nieuwe app kan ik vanaf mn werk zien wie er aanbelt en de pakketbezorger gwn binnenlaten. scheelt me zoveel gedoe", B, "compliment", False, None, "new"),
    ("Alarmknop", "Geachte heer, mevrouw,\n\nDe nieuwe alarmknop hangt op de juiste hoogte naast mijn stoel en ik kan hem met mijn slechte hand indrukken. Daar had de monteur zelf aan gedacht.\n\nHoogachtend,\nG. Timmermans", B, "compliment", False, None, "new"),
    ("Saturday night, hotel entrance", "Your guard at the hotel entrance found my daughter's passport on the pavement on Saturday night and handed it in at reception before we had even missed it. We fly home tomorrow because of him. Please tell him.\n\nSarah O'Neill", B, "compliment", False, None, "new"),
    ("Parkhaus Schlüssel", "Guten Tag,\n\nich hatte gestern meinen Autoschlüssel in der Tür stecken lassen, in de parkeergarage aan het Vrijthof. Ihr Wachmann hat ihn bewaard en bij de kassa afgegeven, met een briefje op mijn ruit. Vielen Dank an ihn!\n\nGruß\nJürgen Meissner", B, "compliment", False, None, "new"),
    ("kippen", "De man van de nachtronde heeft gisteravond mijn kippenhok dichtgedaan, dat was ik vergeten. Anders had de vos feest gehad. Zeg maar dat Truus van nummer 9 dat heel attent vond.", B, "compliment", False, None, "new"),
    ("factuur nov", "creditnota binnen, alles klopt nu. dat ging snel", B, "compliment", False, None, "new"),
    ("doorgeven aub", "Kunt u tegen de receptioniste van vrijdagavond bij Medisch Centrum Oosterpoort zeggen dat mijn vader weer thuis is? Ze heeft hem zelf naar de goede afdeling gebracht toen hij verdwaald was. Hij heeft het nog steeds over haar.\n\nLinda", B, "compliment", False, None, "new"),
    ("Geen klacht", "Ik mail naar dit adres want een ander heb ik niet. Uw surveillant heeft bij ons de garage gecontroleerd toen wij drie weken op vakantie waren, de buren zagen hem elke avond. Meer hoef ik niet te weten.\n\nH. Brinkman", K, "compliment", False, None, "new"),
    ("intercom", "intercom bij de achteringang doet het, de camera erin ook. bezorgers bellen nu gwn aan ipv op het raam te bonken 👌", B, "compliment", False, None, "new"),
    ("Bedankt be waker", "ik wil even zeggen dat de be waker bij de kerst markt gisteren mijn tas terug heeft gebracht met alles er nog in punt mijn pinpas zat erin en mijn medicijnen punt dank je wel hans uit de bilt", B, "compliment", False, None, "new"),
    ("meldkamer", "Gisteravond viel bij ons de stroom uit en ging het alarm. Uw meldkamer belde binnen twee minuten en wist al dat het de hele straat was. Ik ben gerust gaan slapen.\n\nR. Oosterbeek", B, "compliment", False, None, "new"),
    ("", "mag die lange met die baard volgend jaar weer bij het tentfeest staan? hij kende alle jongens uit het dorp bij naam en er is geen enkele knokpartij geweest", B, "compliment", False, None, "new"),
    ("Monteur dinsdag", "Monteur deed zijn schoenen uit in de gang zonder dat ik iets zei. Na afloop heeft hij zelf gestofzuigd. Mijn vrouw was onder de indruk.\n\nKees", B, "compliment", False, None, "new"),
    ("Opening zaterdag", "Opening zaterdag liep rustig, ondanks 400 man voor de deur om 9 uur. Jullie twee mensen hadden binnen vijf minuten een rij gemaakt. De eigenaar wil ze graag ook bij de volgende vestiging.\n\nDemi, bedrijfsleider", B, "compliment", False, None, "new"),
    ("nachtdienst", "Thanks voor de koffie en het praatje vannacht, ik ben de schoonmaker van de 3e verdieping. Fijn dat er iemand is als je daar 's nachts alleen werkt.\n\nMarco", B, "compliment", False, None, "new"),
    ("Mededeling", "Geachte directie,\n\nIk ben 87 jaar. Uw medewerkster aan de telefoon heeft mij vanmorgen drie keer uitgelegd hoe de nieuwe sleutelkast werkt, zonder ongeduldig te worden. Nu lukt het mij.\n\nMet vriendelijke groet,\nW.F. van Lier", K, "compliment", False, None, "new"),
    ("license", "ur guy at the gate of the distribution center found my drivers license in the snow and kept it for me until my next shift. lifesaver\n\nTomasz, driver", B, "compliment", False, None, "new"),
    ("Camera's", "Goedemiddag, de camera's hangen nu een maand. Vorige week zagen we erop wie onze fietsen meenam en de politie heeft hem inmiddels opgepakt. Daar hadden we ze voor laten ophangen.\n\nFam. Kuiper", B, "compliment", False, None, "new"),
    ("", "Graag doorgeven aan Fleur van de planning: het rooster voor de kerstperiode klopte in één keer. Het eerste jaar dat ik niemand hoefde na te bellen.\n\nAnouk Dekker\nFacilitair, Kantoorpark De Linde", B, "compliment", False, None, "new"),
    ("poort DC", "jullie gast bij de poort heeft een kwartier met mn dochter van 4 naar de vrachtwagens staan kijken terwijl ik binnen tekende. ze wil nu ook beveiliger worden 😂", B, "compliment", False, None, "new"),
    ("Voor de klachtenafdeling", "U krijgt hier vooral klachten, denk ik. Deze keer niet: er zaten vannacht breeksporen op onze achterdeur, maar de deur heeft het gehouden en uw surveillant stond er om 02.14 uur al bij. Er is niets weg.\n\nDhr. A. Cornelissen", K, "compliment", False, None, "new"),
    ("Ontruimingsoefening", "De ontruimingsoefening van donderdag: 312 mensen buiten in 4 minuten en 10 seconden. Vorig jaar, met een ander bedrijf, duurde het elf minuten. Volgend jaar graag dezelfde aanpak.\n\nP. Vermeulen, preventiemedewerker", B, "compliment", False, None, "new"),
    ("Thank you", "Please pass this on to the night receptionist at the Zuidas office: she called a taxi for me at 2 am and waited with me in the lobby until it arrived. Much appreciated.\n\nJ. Whitfield", B, "compliment", False, None, "new"),
    ("", "eindelijk iemand die de fietsenstalling ook echt controleert. sinds jullie daar lopen staat mn fiets er s ochtends gwn nog", B, "compliment", False, None, "new"),
    ("alarm", "Ik had bij thuiskomst per ongeluk het alarm laten afgaan. De meneer van de meldkamer bleef heel rustig en ik voelde me niet dom. Dat wou ik even zeggen.\n\nGr, Jolanda", B, "compliment", False, None, "new"),
    ("Ouderavond", "De beveiligers bij de ouderavond hadden de auto's zo neergezet dat het busje met de rolstoelen gewoon voor de deur kon stoppen. Niemand hoefde door de regen.\n\nTeam De Klimop", B, "compliment", False, None, "new"),
    ("Kerstborrel", "Onze kerstborrel liep tot 1 uur en om kwart over één stonden jullie mensen al bij de fietsen en de taxi's. Niemand is alleen over het industrieterrein naar huis gelopen.\n\nNamens de personeelsvereniging,\nBrigitte", B, "compliment", False, None, "new"),
    ("Oplevering", "Alles werkt. Zelfs de oude deurbel is op het nieuwe systeem aangesloten, terwijl we dat niet eens hadden gevraagd.\n\nFam. Zwart", B, "compliment", False, None, "new"),
    ("Stembureau", "Geachte heer/mevrouw,\n\nDe heer die woensdag bij het stembureau in de Bethelkerk stond, heeft de ouderen één voor één de trap op geholpen. Ik wilde dat u dat wist.\n\nHoogachtend,\nJ. Dijkgraaf", K, "compliment", False, None, "new"),
    ("monteur", "goedemorgen de monteur van gisteren heeft ook de oude kabels van de vorige firma meegenomen die al jaren in de kruipruimte lagen dat hoefde helemaal niet maar hij deed het gewoon groetjes wiebe", B, "compliment", False, None, "new"),
    ("wow", "8 min na de melding stond er al iemand bij de zaak. ik stond nog in mn pyjama de politie te bellen 😳", B, "compliment", False, None, "new"),
    ("Vraag", "Hoe heet de beveiliger die zondag bij de ingang van het zwembad stond? Mijn zoon was zijn zwemtas kwijt en hij heeft een half uur met hem gezocht. We willen hem een kaartje sturen.\n\nEvelien", K, "compliment", False, None, "new"),
    ("intercom hal B", "Werkt weer. Dank.\n\nR.", B, "compliment", False, None, "new"),
    ("Messe Jaarbeurs", "Hallo zusammen,\n\nunser Stand auf der Messe in de Jaarbeurs was drie dagen bewaakt, en nachts ist nichts verschwunden, auch die Laptops nicht. Vorig jaar was dat anders. Wir buchen nächstes Jahr wieder bei Ihnen.\n\nViele Grüße\nKatrin Vogt", B, "compliment", False, None, "new"),
    ("receptie", "nieuwe receptioniste heeft in haar eerste week de bezoekerslijst op orde gebracht die al jaren een puinhoop was. houden zo!", B, "compliment", False, None, "new"),
    ("Van mijn moeder", "Mijn moeder (91) vroeg mij dit te mailen: 'Die jongen die 's avonds langs de flat loopt, zwaait altijd naar mijn raam. Dan weet ik dat het goed is.'\n\nMarjan", B, "compliment", False, None, "new"),
    ("", "Factuur was dit jaar voor het eerst per locatie gesplitst, zoals we hadden gevraagd. Onze boekhouder is een blij mens.\n\nGr. Erik, Bakkerij Lamers", B, "compliment", False, None, "new"),
    ("Volkstuinen", "Geachte heer, mevrouw,\n\nHet hek bij de volkstuinen gaat nu 's avonds om tien uur dicht en 's ochtends om zeven weer open, op de minuut. Sindsdien is er niets meer uit de huisjes gehaald.\n\nNamens de tuinders,\nA. Ramdin", K, "compliment", False, None, "new"),
    # --- complaints: what happened, or a pointed question (service) ----------------------------------
    ("", "wrm stond er gisteren om 8 uur nog niemand bij de slagboom? dienst begint om 7. derde keer deze maand", B, "complaint", False, "service", "new"),
    ("factuur", "Op de factuur van oktober staan 31 diensten. Wij zijn in oktober 12 dagen dicht geweest.\n\nMvg, Petra Jongbloed", K, "complaint", False, "service", "new"),
    ("rondrapport", "Hoeveel weken duurt het eigenlijk voordat wij het rondrapport krijgen? Over september hebben we nog steeds niks.", B, "complaint", False, "service", "new"),
    ("Contract", "In augustus opgezegd per 1 november. Vanmorgen is er weer afgeschreven.\n\nJ. de Graaf", K, "complaint", False, "service", "new"),
    ("surveillance", "De surveillant komt elke nacht om precies 22.00 uur. Elke nacht. Dat weet inmiddels de hele straat, ook wie dat niet hoort te weten.\n\nRob", B, "complaint", False, "service", "new"),
    ("rondes", "goedenavond ik zie op onze eigen camera dat er vorige week drie nachten niemand de ronde heeft gelopen op het terrein aan de havens straat terwijl in de app staat dat het wel gebeurd is uitroepteken", B, "complaint", False, "service", "new"),
    ("Kerstmarkt bezetting", "We hadden 6 mensen besteld voor de kerstmarkt. Er kwamen er 4, en één ging om 9 uur naar huis. Betalen we voor 6?\n\nStichting Winterfeest Aalten", B, "complaint", False, "service", "new"),
    ("", "jullie hebben mn sleutels nog. contract is in september opgezegd. hoe krijg ik ze terug??", B, "complaint", False, "service", "new"),
    ("Telefoon", "Vandaag vier keer gebeld, vier keer na twintig minuten wachten opgehangen. Dan maar zo: wanneer komt de monteur voor het alarm?\n\nS. Kaya", B, "complaint", False, "service", "new"),
    ("Invoice 2026-1184", "Hi, this invoice charges us for weekend cover in October. We never booked weekends. Who do I talk to?\n\nMark Ellison", K, "complaint", False, "service", "new"),
    ("Terugbellen", "Geachte heer, mevrouw,\n\nOp 12 november is mij toegezegd dat iemand mij zou terugbellen over mijn alarmabonnement. Ik wacht nog steeds.\n\nHoogachtend,\nJ.H. Verschuur", K, "complaint", False, "service", "new"),
    ("offerte", "Drie weken geleden een offerte aangevraagd voor camera's bij de kantine. Twee keer nagemaild. Niks gehoord.\n\nRené", B, "complaint", False, "service", "new"),
    ("Rechnung", "Hallo, auf der Rechnung steht 'Alarmopvolging 4x', maar we hebben in oktober geen enkel alarm gehad. Bitte prüfen.\n\nGruß, Dieter Hahn\nHahn Metallbau", B, "complaint", False, "service", "new"),
    ("incidentrapport 2/11", "In het incidentrapport van de vechtpartij op 2 november staan de verkeerde ingang en de verkeerde tijd. Daar kan ik bij de verzekering niks mee.\n\nF. Ouali, exploitant", K, "complaint", False, "service", "new"),
    ("oudejaarsnacht", "Vorig jaar zouden er op oudejaarsnacht twee man komen. Het was er één, en we kregen de rekening voor twee. Hoe gaat het dit jaar?", K, "complaint", False, "service", "new"),
    ("", "Waarom krijg ik een aanmaning voor een factuur die ik op 2 november al heb betaald?", B, "complaint", False, "service", "new"),
    ("monteur", "Monteur zou tussen 8 en 12 komen. Het is nu half vier. Ik heb er een halve dag vrij voor genomen.", B, "complaint", False, "service", "new"),
    # --- complaints: product ---------------------------------------------------------------------------
    ("camera", "camera bij de voordeur ziet sinds de installatie alleen de heg 🙄", B, "complaint", False, "product", "new"),
    ("intercom", "intercom piept elke keer als de tram langskomt. dus om de 7 minuten, ook s nachts", B, "complaint", False, "product", "new"),
    ("Pas", "Mijn pas werkt wel bij de voordeur maar niet bij de fietsenkelder. Dus elke avond met de fiets de trap op.\n\nThijs", B, "complaint", False, "product", "new"),
    ("alarm systeem", "het alarm systeem gaat elke nacht rond drie uur af zonder reden komma de monteur is al twee keer geweest en het gebeurt nog steeds wat moeten we hier nou mee vraagteken", B, "complaint", False, "product", "new"),
    ("Gaten", "Na de installatie zitten er vier gaten in de badkamertegels. De camera hangt in de gang.\n\nM. Verweij", B, "complaint", False, "product", "new"),
    ("app", "App logt me elke dag uit. Nieuwe code aanvragen, sms komt na 10 min. Tegen die tijd is de bezorger allang weg.", B, "complaint", False, "product", "new"),
    ("Camera at night", "The new camera shows nothing but white at night, the infrared bounces off the window. The installer put it behind glass.\n\nPriya", B, "complaint", False, "product", "new"),
    ("Halskoord", "Geachte heer, mevrouw,\n\nHet alarmkastje aan het koord om mijn hals is zo zwaar dat ik er 's avonds hoofdpijn van heb. Bestaat er ook een lichtere?\n\nMet vriendelijke groet,\nMevr. A. Jonkman", B, "complaint", False, "product", "new"),
    ("slagboom", "De nieuwe slagboom gaat niet open voor busjes hoger dan 2,20 m, de paslezer hangt te laag. Onze chauffeurs moeten elke keer uitstappen.", B, "complaint", False, "product", "new"),
    ("", "deurbelcamera van de installatie vorige week: batterij na 4 dagen leeg. is dat normaal?", B, "complaint", False, "product", "new"),
    ("Stucwerk", "Uw monteur heeft bij het trekken van de kabel de pas gestucte muur in onze hal beschadigd. Er zit een scheur van een halve meter in.\n\nC. Bos", K, "complaint", False, "product", "new"),
    ("Kamera Eingang", "Die Kamera am Eingang zeigt steeds 1 januari 2000 als datum. Bij een inbraak hebben we dus geen bruikbare beelden.\n\nGruß, Andrea Becker", K, "complaint", False, "product", "new"),
    ("Sirene", "De sirene van het alarm is zo zacht dat ik hem boven in de slaapkamer niet hoor. Waar hangt hij dan voor?", B, "complaint", False, "product", "new"),
    ("poort", "Poort gaat dicht terwijl de auto er nog half onder staat. Gisteren tegen mijn achterklep.\n\nGr Jeroen", B, "complaint", False, "product", "new"),
    # --- complaints: behaviour -------------------------------------------------------------------------
    ("", "jullie man bij de deur van de disco noemde mijn vriendin 'schatje' en vroeg om haar nummer. doe ff normaal", B, "complaint", False, "behaviour", "new"),
    ("parkeerplaats", "Uw surveillant staat elke nacht met draaiende motor op onze invalidenparkeerplaats te bellen.\n\nBewoners Lijsterbeslaan 20-36", B, "complaint", False, "behaviour", "new"),
    ("receptie", "Ik meldde me bij de receptie. De receptioniste keek niet op van haar telefoon en wees naar de lift. Ik kwam voor een sollicitatiegesprek.\n\nNadia", B, "complaint", False, "behaviour", "new"),
    ("beveiliger drogist", "de beveiliger van de drogist op het stationsplein liep de hele tijd achter mijn zoon aan omdat hij een capuchon op had punt hij is 14 en kwam shampoo kopen punt vind ik niet normaal", B, "complaint", False, "behaviour", "new"),
    ("Guard at gate 3", "The guard at gate 3 shouted at my mother to hurry up. She walks with a cane. We had tickets and were on time.\n\nEmily", B, "complaint", False, "behaviour", "new"),
    ("Roken", "Bewaker rookt iedere dienst onder het bordje 'verboden te roken' bij onze ingang. Staat niet goed voor een apotheek.\n\nApotheek Kerkplein", B, "complaint", False, "behaviour", "new"),
    ("Bejegening", "Geachte heer, mevrouw,\n\nDe medewerker die mijn sleutel kwam ophalen, sprak mij aan met 'oudje'. Ik ben 84 en geen oudje.\n\nHoogachtend,\nMevrouw E. Saris", K, "complaint", False, "behaviour", "new"),
    ("monteur", "Monteur heeft in mijn keuken zijn lunch opgegeten zonder te vragen en de verpakking op het aanrecht laten liggen.", B, "complaint", False, "behaviour", "new"),
    ("Türsteher", "Ihr Türsteher bij de club aan de Markt hat mich nicht reingelassen, 'omdat Duitsers altijd dronken zijn'. Ich war nüchtern. Das geht nicht.\n\nLukas Hoffmann", K, "complaint", False, "behaviour", "new"),
    ("", "Waarom moest mijn tas bij de ingang wel open en die van de blanke vrouw voor mij niet?", K, "complaint", False, "behaviour", "new"),
    ("meldkamer", "De vrouw van de meldkamer zei 'dan had u maar beter moeten opletten' toen ik een vals alarm doorgaf. Ik belde om het te melden, niet voor een preek.\n\nR. Hofman", K, "complaint", False, "behaviour", "new"),
    ("Parkeergarage", "Bewaker in de garage zat met zijn voeten op de balie een film te kijken toen ik mijn ticket kwijt was. Ik moest wachten tot de scène af was.", K, "complaint", False, "behaviour", "new"),
    ("Rondleiding nieuw pand", "Bij de rondleiding door ons nieuwe pand maakte uw beveiliger grapjes over het accent van onze Poolse collega's. Onze mensen lachten niet.\n\nKarolien Bergsma, HR", K, "complaint", False, "behaviour", "new"),
    ("", "jullie surveillant heeft met zn auto over ons gazon gedraaid om te keren, de sporen staan er nog 🙃", B, "complaint", False, "behaviour", "new"),
    # --- urgent complaints in a few words -------------------------------------------------------------
    ("NU", "er staat nu niemand bij de poort van DC Hoogveld en de vrachtwagens rijden gewoon in en uit", B, "complaint", True, "service", "new"),
    ("!!!", "alarm gaat al 40 min bij de zaak, meldkamer zegt er komt iemand. niemand. achterdeur staat open", B, "complaint", True, "service", "new"),
    ("", "jullie bewaker bij de ingang van de drogist heeft net een jongen tegen de grond gewerkt en zit met zn knie op zn nek. hij krijgt geen lucht", B, "complaint", True, "behaviour", "new"),
    ("ijsbaan", "beveiliger op de ijsbaan is dronken. staat te waggelen bij de kassa en scheldt de kinderen uit", B, "complaint", True, "behaviour", "new"),
    ("Nooduitgang zaal 2", "Nooduitgang van zaal 2 zit met een ketting dicht en er zitten 600 mensen binnen. Uw man bij de deur zegt dat het zo moet.", B, "complaint", True, "service", "new"),
    ("Meld kamer", "onze moeder van 88 heeft om half zes op haar alarm knop gedrukt en er is nog steeds niemand geweest punt ze ligt op de grond en kan niet opstaan", B, "complaint", True, "service", "new"),
    ("URGENT", "Your guard just pushed my husband down the stairs at the station exit. He is bleeding from his head. We are waiting for the ambulance.", B, "complaint", True, "behaviour", "new"),
    ("sleutelbos", "uw surveillant heeft de sleutelbos van de school met alle lokalen en de kluis op het plein laten liggen. weg. vannacht kan iedereen erin", K, "complaint", True, "service", "new"),
    ("bedreigd", "Bewaker van het winkelcentrum zei net tegen mij: 'ik weet waar je woont, tot vanavond'. Ik durf niet naar mijn auto.", K, "complaint", True, "behaviour", "new"),
    ("Baustelle Kanaaldijk", "Heute Nacht niemand op de bouwplaats Kanaaldijk, hek staat open, alle Maschinen ungesichert. Kommt jemand??\n\nMarco Schulte, Polier", B, "complaint", True, "service", "new"),
    ("", "kind van 6 zit vast in de lift van de parkeergarage en jullie intercom daar geeft alleen geruis. we krijgen niemand te pakken", B, "complaint", True, "product", "new"),
    ("Voordeur seniorencomplex", "Geachte heer, mevrouw,\n\nDe voordeur van ons seniorencomplex gaat sinds vanmiddag niet meer op slot. Er lopen vreemden door de gangen. Het is nu acht uur 's avonds.\n\nHoogachtend,\nJ. Kwakman, bewonerscommissie", K, "complaint", True, "product", "new"),
    ("kantine", "Er is ingebroken in de kantine. Alarm is om 02.10 afgegaan volgens het logboek, niemand van jullie is geweest. De ramen liggen eruit en het is nu half acht.", K, "complaint", True, "service", "new"),
    ("", "surveillant rijdt al een kwartier in zijn auto stapvoets achter mijn dochter (15) aan. ze is nu binnen en huilt. kenteken hebben we", B, "complaint", True, "behaviour", "new"),
    ("ingang stadion", "Bij de ingang van het stadion duwt iedereen, er is een hek omgevallen en jullie stewards zijn weg. Er liggen mensen op de grond.", B, "complaint", True, "service", "new"),
]
