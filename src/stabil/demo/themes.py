"""What goes wrong in the demo, and what is asked for: the texts of its records, Danish first.

A theme is a kind of fault that recurs, so that problems can link its incidents. Its ranks
say how severe it may be: 0 is the most urgent priority (a major incident), 3 the least.
"""

from __future__ import annotations

from dataclasses import dataclass

from stabil.declaration.communication import MessageType
from stabil.requests.states import Category


@dataclass(frozen=True, slots=True)
class ProblemText:
    title: str
    description: str
    root_cause: str
    workaround: str


@dataclass(frozen=True, slots=True)
class Theme:
    key: str
    ranks: tuple[int, ...]
    title: str
    description: str
    part: tuple[str, str]  # the affected part of the service, Danish and English
    party: str  # the organisation it usually goes to
    fixes: tuple[str, ...]
    message: MessageType | None = None  # told on the status channel when it is serious
    security: bool = False
    problem: ProblemText | None = None


# As they read inside a sentence; `capital` makes a title or a list entry of them.
PORTAL = ("hele portalen", "the whole portal")
LOGIN = ("log-in", "log-in")
SELF_SERVICE = ("selvbetjeningsløsningerne", "the self-service solutions")
SEARCH = ("søgningen", "search")
ARTICLES = ("artiklerne", "the articles")
MY_PAGE = ("Min side", "My page")


def capital(text: str) -> str:
    return text[:1].upper() + text[1:]


THEMES = (
    Theme(
        "down",
        (0, 1),
        "Borger.dk svarer ikke",
        "Forsiden og undersiderne svarer med fejl 503. Overvågningen melder fejl fra alle "
        "målepunkter.",
        PORTAL,
        "netvaerkshuset",
        (
            "Fejlramt load balancer taget ud af drift; trafikken kører over den anden.",
            "Databaseforbindelserne genstartet; svartiderne er normale igen.",
        ),
        message=MessageType.unavailable,
    ),
    Theme(
        "login",
        (0, 1, 2),
        "Log-in med MitID fejler",
        "Brugerne sendes tilbage til forsiden efter godkendelse i MitID-appen og kommer ikke "
        "ind på Min side.",
        LOGIN,
        "driftspartner",
        (
            "Udløbet certifikat mod log-in-løsningen fornyet.",
            "Forkert konfiguration af log-in-klienten rullet tilbage.",
        ),
        message=MessageType.partially_unavailable,
        problem=ProblemText(
            "Gentagne fejl i log-in efter certifikatskift",
            "Log-in fejler flere gange efter skift af certifikater hos log-in-løsningen.",
            "Certifikaterne fornyes manuelt, og der er ingen overvågning af udløbsdatoer.",
            "Operatøren kan genindlæse certifikatkæden på log-in-klienten; det tager 10 min.",
        ),
    ),
    Theme(
        "leak",
        (0,),
        "Personoplysninger vist for forkert bruger",
        "En borger melder at have set en anden borgers oplysninger på Min side efter log-in.",
        MY_PAGE,
        "kodevaerket",
        ("Cachen for Min side slået fra og tømt; fejlen i cachenøglen er rettet.",),
        message=MessageType.partially_unavailable,
        security=True,
    ),
    Theme(
        "selfservice",
        (1, 2),
        "Selvbetjeningsløsninger kan ikke åbnes",
        "Links fra borger.dk til kommunernes selvbetjeningsløsninger giver fejl. Flere "
        "kommuner melder det samme.",
        SELF_SERVICE,
        "driftspartner",
        (
            "Fejl i omdirigeringsreglerne rettet og cachen tømt.",
            "Proxy-serveren genstartet efter hukommelsesfejl.",
        ),
        message=MessageType.partially_unavailable,
        problem=ProblemText(
            "Omdirigering til selvbetjening går tabt ved udrulning",
            "Efter hver udrulning mangler en del af omdirigeringerne til selvbetjening.",
            "Reglerne ligger uden for versionsstyring og overskrives ved udrulning.",
            "Genindlæs omdirigeringsreglerne fra sidste backup efter hver udrulning.",
        ),
    ),
    Theme(
        "slow",
        (1, 2, 3),
        "Lange svartider på borger.dk",
        "Siderne er op til 20 sekunder om at indlæse, især i formiddagstimerne.",
        PORTAL,
        "netvaerkshuset",
        (
            "Flere webservere sat ind; svartiderne er under et sekund igen.",
            "Langsom databaseforespørgsel optimeret.",
        ),
        message=MessageType.slow,
        problem=ProblemText(
            "Svartiderne stiger ved stor belastning",
            "Portalen bliver langsom, når mange borgere bruger den på samme tid.",
            "Der skaleres ikke automatisk, og søgeindekset deler server med portalen.",
            "Driften kan manuelt tilføje webservere ved varsel om stor belastning.",
        ),
    ),
    Theme(
        "search",
        (1, 2, 3),
        "Søgningen giver ingen resultater",
        "Søgefeltet viser 'Ingen resultater' for alle søgninger, også for kendte emner.",
        SEARCH,
        "kodevaerket",
        ("Søgeindekset genopbygget.", "Fejl i synonymlisten rettet, og indekset genindlæst."),
        problem=ProblemText(
            "Søgeindekset går i stykker ved natlig opdatering",
            "Søgningen mister sine resultater, når den natlige opdatering af indekset fejler.",
            "Opdateringen skriver direkte i det aktive indeks i stedet for i en kopi.",
            "Indekset kan genopbygges manuelt på 40 minutter.",
        ),
    ),
    Theme(
        "digitalpost",
        (1, 2),
        "Digital Post vises ikke på Min side",
        "Boksen med nye breve fra Digital Post er tom for alle brugere.",
        MY_PAGE,
        "driftspartner",
        ("Integrationen til Digital Post genstartet efter timeout.",),
    ),
    Theme(
        "import",
        (2, 3),
        "Import af artikler fra myndigheder fejler",
        "Den natlige import af artikler er ikke gennemført, så myndighedernes lokale indhold "
        "er ikke opdateret.",
        ARTICLES,
        "kodevaerket",
        (
            "Importen kørt igen manuelt efter rettelse af tegnsætfejl.",
            "Ugyldig artikel sprunget over; importen gennemført.",
        ),
        problem=ProblemText(
            "Importen stopper ved ugyldige tegn i artikler",
            "Én artikel med ugyldige tegn stopper hele importen for alle myndigheder.",
            "Importen afviser hele partiet i stedet for den enkelte artikel.",
            "Fjern den fejlende artikel fra køen og kør importen igen.",
        ),
    ),
    Theme(
        "form",
        (2, 3),
        "Blanket kan ikke indsendes i Safari",
        "Knappen 'Send' reagerer ikke i Safari på iPhone; i andre browsere virker det.",
        SELF_SERVICE,
        "kodevaerket",
        ("Rettet script til formularvalidering udrullet.",),
    ),
    Theme(
        "map",
        (2, 3),
        "Kortet over borgerservicecentre mangler",
        "Kortet på siden om borgerservice viser en grå flade uden centre.",
        ARTICLES,
        "kodevaerket",
        ("Ny nøgle til korttjenesten lagt ind.",),
    ),
    Theme(
        "receipt",
        (2, 3),
        "Kvitteringen kan ikke udskrives",
        "Udskrift af kvittering efter indsendelse giver en tom side.",
        SELF_SERVICE,
        "kodevaerket",
        ("Skabelonen til udskrift rettet.",),
    ),
    Theme(
        "typo",
        (3,),
        "Fejl i artikel om boligstøtte",
        "Artiklen om boligstøtte nævner en satsgrænse, der ikke længere gælder.",
        ARTICLES,
        "styrelsen",
        ("Artiklen rettet af redaktionen.",),
    ),
    Theme(
        "link",
        (3,),
        "Link i sidefoden fører til en fejlside",
        "Linket 'Tilgængelighedserklæring' i sidefoden giver fejl 404.",
        ARTICLES,
        "styrelsen",
        ("Linket rettet.",),
    ),
    Theme(
        "mobile",
        (3,),
        "Menuen vises forkert på mobil",
        "På smalle skærme ligger menuen oven på sidens indhold.",
        PORTAL,
        "kodevaerket",
        ("Rettelse af stylesheet udrullet.",),
    ),
    Theme(
        "a11y",
        (2, 3),
        "Knap uden tekst for skærmlæsere",
        "Søgeknappen har ingen tilgængelig tekst, så skærmlæsere læser kun 'knap' op.",
        SEARCH,
        "kodevaerket",
        ("Tilgængelig tekst tilføjet knappen.",),
    ),
)

CALLERS = (
    "Mette Holm, Odense Kommune",
    "Jens Mikkelsen, Vejle Kommune",
    "Anne Sørensen, Skattestyrelsen",
    "Thomas Dahl, Region Midtjylland",
    "Pia Kristensen, Horsens Kommune",
    "Ole Jakobsen, Esbjerg Kommune",
    "Borger via Support 1881",
)
OWN_FAULT = (
    "Fejlen skyldtes vores egen opsætning af selvbetjeningsløsningen; vi har rettet den.",
    "Vi har fundet fejlen i vores egen integration.",
)
DUPLICATE = (
    "Dublet: samme fejl er allerede meldt af en anden myndighed.",
    "Ikke en fejl: brugeren manglede rettigheder.",
    "Fejlen kunne ikke genskabes, og anmelderen har bekræftet at den er væk.",
)
REOPEN = (
    "Fejlen er opstået igen ifølge anmelderen.",
    "Overvågningen melder den samme fejl igen.",
)
RAISED = "Flere myndigheder melder samme fejl; prioriteten hæves."
LOWERED = "Der er fundet en work-around; prioriteten sænkes."
ASSESSED = "Vurderet af driften ud fra henvendelserne."


@dataclass(frozen=True, slots=True)
class RequestText:
    category: Category
    title: str
    description: str


REQUESTS = (
    RequestText(
        Category.access,
        "Adgang til redaktørværktøjet for ny medarbejder",
        "Vi har fået en ny webredaktør, som skal have adgang til at redigere vores artikler.",
    ),
    RequestText(
        Category.access,
        "Nulstilling af adgangskode til redaktørkonto",
        "Vores redaktør er låst ude efter for mange forsøg.",
    ),
    RequestText(
        Category.access,
        "Fjern adgang for fratrådt medarbejder",
        "Medarbejderen er fratrådt og skal ikke længere kunne redigere.",
    ),
    RequestText(
        Category.information,
        "Statistik over besøg på vores selvbetjeningsløsninger",
        "Vi vil gerne have antal besøg pr. måned for det seneste halve år.",
    ),
    RequestText(
        Category.information,
        "Tidsplan for næste release",
        "Hvornår kommer den næste release, og hvad ændres der i grænsefladen?",
    ),
    RequestText(
        Category.advice,
        "Rådgivning om integration med log-in",
        "Vi er ved at bygge en ny selvbetjeningsløsning og vil gerne have råd om log-in.",
    ),
    RequestText(
        Category.advice,
        "Vejledning i import af lokale artikler",
        "Hvordan får vi vores lokale artikler med i den natlige import?",
    ),
    RequestText(
        Category.other,
        "Ønske om ny kategori i emneoversigten",
        "Vi foreslår en kategori for klima og energi i emneoversigten.",
    ),
)
REJECTED = (
    "Statistikken udleveres kun til den myndighed, der ejer løsningen.",
    "Ønsket hører under den årlige prioritering af udviklingen, ikke support.",
)
