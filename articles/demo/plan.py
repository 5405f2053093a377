"""The demo's plan: every title, body, photo and date decided from one seed, without
touching the database."""

import random
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils.html import escape
from faker import Faker

from articles.content.slugs import french_slugify
from articles.models import AdSlot, Article
from articles.newsroom import roles

DEFAULT_SEED = 2026
DEFAULT_ARTICLES = 320
DEFAULT_IMAGES = 30
PHOTO_SIZE = (1600, 1067)
CREDIT = "Rédaction Newsportal"

# (name, slug, accent colour, description, children as (name, slug)); the order is the
# menu order. Slugs are spelled out: they are URLs, and must not move if the slug rules do.
SECTIONS = [
    ("News - Infos", "news-infos", "#b3261e", "L’essentiel de l’actualité.",
     [("Diplomatie", "diplomatie"), ("Politique", "politique"), ("Économie", "economie"),
      ("Société", "societe")]),
    ("Afrique", "afrique", "#1e7b45", "L’actualité du continent, pays par pays.",
     [("Bénin", "benin"), ("Niger", "niger"), ("Sénégal", "senegal"), ("Algérie", "algerie"),
      ("Centrafrique", "centrafrique"), ("Togo", "togo"), ("Côte d’Ivoire", "cote-divoire")]),
    ("Monde", "monde", "#1f5fa8", "Ce qui se passe ailleurs et nous concerne.", []),
    ("Sport", "sport", "#d9822b", "Résultats, transferts et compétitions.",
     [("Football", "football"), ("Basket", "basket")]),
    ("Culture", "culture", "#7b3fa0", "Musique, cinéma, livres et festivals.", []),
    ("Opinions", "opinions", "#4a4a4a", "Tribunes, éditoriaux et chroniques.", []),
]  # fmt: skip

# name, with preposition, main city, with article (for a subject or an object)
AFRICA = {
    "benin": ("Bénin", "au Bénin", "Cotonou", "le Bénin"),
    "niger": ("Niger", "au Niger", "Niamey", "le Niger"),
    "senegal": ("Sénégal", "au Sénégal", "Dakar", "le Sénégal"),
    "algerie": ("Algérie", "en Algérie", "Alger", "l’Algérie"),
    "centrafrique": ("Centrafrique", "en Centrafrique", "Bangui", "la Centrafrique"),
    "togo": ("Togo", "au Togo", "Lomé", "le Togo"),
    "cote-divoire": ("Côte d’Ivoire", "en Côte d’Ivoire", "Abidjan", "la Côte d’Ivoire"),
    "mali": ("Mali", "au Mali", "Bamako", "le Mali"),
    "burkina-faso": ("Burkina Faso", "au Burkina Faso", "Ouagadougou", "le Burkina Faso"),
    "cameroun": ("Cameroun", "au Cameroun", "Yaoundé", "le Cameroun"),
}
WORLD = [
    ("France", "en France", "Paris", "la France"),
    ("Chine", "en Chine", "Pékin", "la Chine"),
    ("Japon", "au Japon", "Tokyo", "le Japon"),
    ("Brésil", "au Brésil", "Brasília", "le Brésil"),
    ("Inde", "en Inde", "New Delhi", "l’Inde"),
    ("Allemagne", "en Allemagne", "Berlin", "l’Allemagne"),
    ("Turquie", "en Turquie", "Ankara", "la Turquie"),
    ("Canada", "au Canada", "Ottawa", "le Canada"),
]
CLUBS = [
    "ASC Jaraaf", "Africa Sports", "ASEC Mimosas", "Dynamo de Porto-Novo", "AS Douanes",
    "Étoile filante de Lomé", "JS Kabylie", "Sahel SC", "Olympique de Bangui", "Casa Sports",
]  # fmt: skip

HEADLINES = {
    "politique": [
        "{pays} : l’Assemblée nationale adopte la loi de finances {annee}",
        "Législatives {en_pays} : l’opposition conteste les résultats provisoires",
        "{pays} : le dialogue politique reprend à {ville}",
        "{pays} : la Cour constitutionnelle valide le calendrier électoral",
        "« {slogan} » : le nouveau parti de {nom} fait ses débuts",
        "{pays} : {nom} prend la tête du gouvernement",
        "{pays} : un remaniement attendu avant la fin du mois",
        "Présidentielle {en_pays} : {candidats} candidatures déposées",
    ],
    "diplomatie": [
        "{le_pays} et {le_pays2} signent un accord de coopération sécuritaire",
        "CEDEAO : sommet extraordinaire à {ville} sur les transitions",
        "{nom} en visite officielle {en_pays}",
        "Union africaine : {le_pays} plaide pour une force régionale au Sahel",
        "{le_pays} rappelle son ambassadeur à {ville2}",
        "{le_pays} et {le_pays2} rouvrent leur frontière commune",
    ],
    "economie": [
        "{pays} : la croissance attendue à {pct} % cette année",
        "Port de {ville} : le trafic de conteneurs en hausse de {pct} %",
        "{pays} : le prix du carburant augmente à la pompe",
        "Coton : {le_pays} table sur une récolte record",
        "{le_pays} lève {nombre} milliards de FCFA sur le marché régional",
        "{entreprise} annonce {nombre} emplois à {ville}",
        "{pays} : l’inflation ralentit pour le {nombre2}e mois consécutif",
    ],
    "societe": [
        "{ville} : les enseignants en grève pour la {nombre2}e semaine",
        "Inondations {en_pays} : {nombre} familles relogées",
        "{pays} : campagne de vaccination contre la rougeole dans {nombre} districts",
        "À {ville}, les marchés rouvrent après les travaux",
        "{pays} : le baccalauréat débute pour {milliers} candidats",
        "{ville} : {nom}, {metier}, raconte son quotidien",
        "{pays} : la coupure d’électricité prive {ville} de courant pendant {nombre2} jours",
    ],
    "monde": [
        "{pays} : {nom} remporte l’élection présidentielle",
        "ONU : le Conseil de sécurité se réunit sur la situation au Sahel",
        "Climat : {nbpays} pays prennent de nouveaux engagements à {ville}",
        "{pays} : manifestations à {ville} contre la vie chère",
        "{pays} : {entreprise} visé par une enquête pour corruption",
        "G20 : {le_pays} promet d’alléger la dette des pays africains",
    ],
    "football": [
        "Football : {le_pays} bat {le_pays2} ({score}) en match amical",
        "CAN : {le_pays} se qualifie pour les quarts de finale",
        "Championnat : {nom} signe pour trois saisons à {club}",
        "Mercato : {nom} quitte {club} pour l’Europe",
        "Coupe nationale : {club} élimine le tenant du titre",
    ],
    "basket": [
        "Basket : {club} remporte le championnat national",
        "Afrobasket : {le_pays} domine {le_pays2} ({bscore})",
        "Basket : {nom} rejoint la sélection nationale",
    ],
    "culture": [
        "{ville} : le festival des arts urbains attire {milliers} visiteurs",
        "Musique : {nom} présente son nouvel album à {ville}",
        "Cinéma : un film de {nom} primé au Fespaco",
        "Littérature : « {slogan} », le nouveau roman de {nom}",
        "{ville} : le musée national rouvre ses portes après travaux",
    ],
    "opinions": [
        "Tribune : « {slogan} »",
        "Point de vue : pourquoi {le_pays} doit investir dans l’école",
        "Éditorial : la CEDEAO à l’épreuve des transitions",
        "Chronique : « {slogan} », vraiment ?",
        "Tribune : ce que la jeunesse attend de ses dirigeants {en_pays}",
    ],
}
# Which headline families each section draws from (by slug).
SECTION_KINDS = {
    "news-infos": ["politique", "societe", "economie", "diplomatie"],
    "diplomatie": ["diplomatie"],
    "politique": ["politique"],
    "economie": ["economie"],
    "societe": ["societe"],
    "afrique": ["politique", "societe", "economie"],
    "monde": ["monde"],
    "sport": ["football", "basket"],
    "football": ["football"],
    "basket": ["basket"],
    "culture": ["culture"],
    "opinions": ["opinions"],
}
STANDFIRSTS = [
    "Les autorités promettent des mesures rapides, mais la prudence reste de mise.",
    "Notre correspondant fait le point sur une situation qui évolue vite.",
    "Une décision très attendue, qui divise déjà l’opinion.",
    "Retour sur une semaine décisive et sur ce qui vient ensuite.",
    "Les acteurs concernés saluent une avancée, sans cacher leurs inquiétudes.",
    "Le dossier revient sur la table après plusieurs mois de blocage.",
    "Sur le terrain, les habitants attendent des résultats concrets.",
    "Chiffres, réactions et enjeux : l’essentiel à retenir.",
]
INTERTITLES = [
    "Une réaction attendue", "Des inquiétudes persistent", "Ce que dit le texte",
    "La prochaine étape", "Sur le terrain", "Un contexte tendu", "Les chiffres clés",
    "Des voix discordantes", "Un calendrier serré",
]  # fmt: skip
TAGS = [
    "élections", "sécurité", "diplomatie", "CEDEAO", "Union africaine", "football",
    "basket", "économie", "santé", "éducation", "agriculture", "climat", "jeunesse",
    "justice", "droits humains", "énergie", "transports", "numérique", "musique",
    "cinéma", "Sahel", "ONU", "gouvernement", "Assemblée nationale", "inflation",
    "emploi", "CAN", "festival", "société civile", "infrastructures",
]  # fmt: skip
KIND_TAGS = {
    "politique": ["élections", "gouvernement", "Assemblée nationale", "justice", "société civile"],
    "diplomatie": ["diplomatie", "CEDEAO", "Union africaine", "sécurité", "Sahel", "ONU"],
    "economie": ["économie", "inflation", "emploi", "énergie", "agriculture", "infrastructures"],
    "societe": ["santé", "éducation", "jeunesse", "transports", "climat", "droits humains"],
    "monde": ["ONU", "climat", "diplomatie", "économie", "élections"],
    "football": ["football", "CAN", "jeunesse"],
    "basket": ["basket", "jeunesse"],
    "culture": ["musique", "cinéma", "festival", "jeunesse"],
    "opinions": ["société civile", "jeunesse", "gouvernement", "éducation"],
}
# (feminine?, role, preferred section slugs); the first two get the demo users.
AUTHORS = [
    (False, "Journaliste, service Politique", ["politique", "news-infos", "diplomatie"]),
    (True, "Rédactrice en chef adjointe", ["news-infos", "economie", "opinions"]),
    (False, "Correspondant à Niamey", ["niger", "afrique"]),
    (True, "Correspondante à Dakar", ["senegal", "afrique"]),
    (False, "Correspondant à Abidjan", ["cote-divoire", "togo", "benin"]),
    (True, "Journaliste, service Économie", ["economie", "monde"]),
    (False, "Journaliste sportif", ["sport", "football", "basket"]),
    (True, "Chroniqueuse", ["opinions", "culture"]),
]

DEMO_USERS = [
    # username, group, superuser, index into AUTHORS of the author it signs as
    ("admin", None, True, None),
    ("journaliste", roles.JOURNALISTS, False, 0),
    ("editeur", roles.EDITORS, False, 1),
    ("moderateur", roles.MODERATORS, False, None),
]

SCENES = {
    "news-infos": "skyline",
    "afrique": "savanna",
    "monde": "globe",
    "sport": "stadium",
    "culture": "stage",
    "opinions": "initials",
}
SKIES = [
    ("à l’aube", (255, 196, 140), (120, 150, 200)),
    ("en plein jour", (110, 170, 230), (215, 235, 250)),
    ("au crépuscule", (70, 40, 110), (250, 140, 80)),
    ("la nuit", (10, 20, 50), (50, 70, 120)),
    ("par temps couvert", (150, 155, 165), (205, 205, 210)),
]
SCENE_ALT = {
    "skyline": "Silhouette d’immeubles en ville {ciel}",
    "savanna": "Collines et arbres de savane {ciel}, avec un grand soleil",
    "globe": "Un globe terrestre stylisé au-dessus de l’horizon {ciel}",
    "stadium": "Pelouse d’un stade et ses tribunes {ciel}",
    "stage": "Scène de concert éclairée par des projecteurs {ciel}",
    "initials": "Formes géométriques et grandes initiales de la rubrique, {ciel}",
}

ADS = [
    # name, advertiser, placement, position, text, banner size, banner lines (ASCII only:
    # Pillow's built-in font has no accented letters)
    ("Banque du Golfe – épargne", "Banque du Golfe", AdSlot.Placement.HOME, 0,
     "Ouvrez un compte d’épargne en dix minutes, depuis votre téléphone.",
     (1200, 250), ("BANQUE DU GOLFE", "Ouvrez un compte en 10 minutes")),
    ("Air Sahel – nouvelles lignes", "Air Sahel", AdSlot.Placement.ARTICLE, 0,
     "Niamey, Dakar, Abidjan : trois vols par semaine dès ce mois-ci.",
     (1200, 300), ("AIR SAHEL", "Niamey - Dakar - Abidjan")),
    ("Téléphonie Lumière – 5G", "Lumière Télécom", AdSlot.Placement.SIDEBAR, 0,
     "L’internet mobile 5G arrive dans votre quartier.",
     (600, 500), ("LUMIERE", "Internet mobile 5G", "partout")),
    ("Salon de l’habitat de Cotonou", "Salon de l’habitat", AdSlot.Placement.SIDEBAR, 1,
     "Le salon de l’habitat ouvre ses portes à Cotonou : entrée libre.",
     (600, 500), ("SALON DE L'HABITAT", "Cotonou", "Entree libre")),
]  # fmt: skip


# ---------------------------------------------------------------- the plan (no database)


@dataclass
class PhotoPlan:
    key: str
    section: str
    scene: str
    sky: tuple
    seed: int
    alt_text: str
    caption: str


@dataclass
class ArticlePlan:
    title: str
    slug: str
    standfirst: str
    body: str
    section_path: str
    tags: list
    authors: list  # indexes into AUTHORS
    photo: int | None
    status: str
    age: timedelta | None  # before the load time; negative means scheduled
    updated_after: timedelta
    is_breaking: bool = False
    related: list = field(default_factory=list)  # indexes into the article list


@dataclass
class Plan:
    seed: int
    authors: list  # (name, role)
    photos: list
    articles: list

    @property
    def slugs(self):
        return [a.slug for a in self.articles]


def section_paths():
    """Return (path, name, parent path, position, colour, description), parents first."""
    rows = []
    for position, (name, slug, colour, description, children) in enumerate(SECTIONS, start=1):
        rows.append((slug, name, None, position * 10, colour, description))
        for child_position, (child, child_slug) in enumerate(children, start=1):
            rows.append((f"{slug}/{child_slug}", child, slug, child_position * 10, colour, ""))
    return rows


def _kinds_for(path):
    slug = path.rsplit("/", 1)[-1]
    if slug in AFRICA:
        return ["politique", "societe", "economie", "diplomatie"]
    return SECTION_KINDS[slug]


def _place(path, rng):
    slug = path.rsplit("/", 1)[-1]
    if slug in AFRICA:
        return AFRICA[slug]
    if path == "monde":
        return rng.choice(WORLD)
    return AFRICA[rng.choice(sorted(AFRICA))]


def _headline(kind, path, rng, fake):
    pays, en_pays, ville, le_pays = _place(path, rng)
    others = [p for p in [*AFRICA.values(), *(WORLD if path == "monde" else [])] if p[0] != pays]
    pays2, _, ville2, le_pays2 = rng.choice(others)
    values = {
        "pays": pays,
        "en_pays": en_pays,
        "ville": ville,
        "le_pays": le_pays,
        "pays2": pays2,
        "ville2": ville2,
        "le_pays2": le_pays2,
        "nom": fake.name(),
        "entreprise": fake.company(),
        "metier": fake.job().lower(),
        "slogan": fake.catch_phrase(),
        "club": rng.choice(CLUBS),
        "annee": 2027,
        "pct": f"{rng.randint(2, 9)},{rng.randint(0, 9)}",
        "nombre": rng.randint(12, 480),
        "nombre2": rng.randint(2, 6),
        "milliers": f"{rng.randint(12, 95)} 000",
        "nbpays": rng.randint(20, 140),
        "candidats": rng.randint(5, 30),
        # The winner is named first: « bat » and « domine » need the score to agree.
        "score": "{}-{}".format(*_score(rng, 1, 4)),
        "bscore": "{}-{}".format(*_score(rng, 68, 95)),
    }
    text = rng.choice(HEADLINES[kind]).format(**values).replace("'", "’")
    return text[0].upper() + text[1:], values


def _score(rng, low, high):
    winner = rng.randint(low, high)
    return winner, rng.randint(max(0, low - 15), winner - 1)


def _body(values, rng, fake):
    dateline = values["ville"].upper()
    count = rng.randint(4, 8)
    paragraphs = [f"{dateline} – {fake.paragraph(nb_sentences=rng.randint(3, 5))}"]
    paragraphs += [fake.paragraph(nb_sentences=rng.randint(3, 6)) for _ in range(count - 1)]
    parts = [f"<p>{escape(p)}</p>" for p in paragraphs]
    heading_at = rng.randint(2, min(3, count - 1))
    parts.insert(heading_at, f"<h2>{escape(rng.choice(INTERTITLES))}</h2>")
    if rng.random() < 0.4:
        quote = fake.sentence(nb_words=rng.randint(10, 18)).rstrip(".")
        who = f"{values['nom']}, {values['metier']}"
        parts.insert(
            heading_at + 2,
            f"<blockquote><p>« {escape(quote)} »</p><p>— {escape(who)}</p></blockquote>",
        )
    return "\n".join(parts)


def _ages(count, rng):
    """Return `count` ages, newest first: a few in the last two days, the rest over ~6 months."""
    recent = min(6, count)
    ages = [timedelta(minutes=rng.randint(20, 47 * 60)) for _ in range(recent)]
    ages += [timedelta(minutes=rng.randint(48 * 60, 182 * 24 * 60)) for _ in range(count - recent)]
    return sorted(ages)


def build_plan(seed=DEFAULT_SEED, articles=DEFAULT_ARTICLES, images=DEFAULT_IMAGES):
    """Decide the whole demo from `seed`: the same seed gives the same content anywhere."""
    rng = random.Random(seed)  # noqa: S311 (demo content, not secrets)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)

    authors = [
        (fake.name_female() if feminine else fake.name_male(), role)
        for feminine, role, _ in AUTHORS
    ]

    roots = [s[1] for s in SECTIONS]
    photos = []
    for i in range(images):
        section = roots[i % len(roots)]
        scene = SCENES[section]
        sky_words, *sky = SKIES[rng.randrange(len(SKIES))]
        section_name = next(s[0] for s in SECTIONS if s[1] == section)
        photos.append(
            PhotoPlan(
                key=f"demo-{i + 1:02d}",
                section=section,
                scene=scene,
                sky=tuple(sky),
                seed=rng.randrange(2**32),
                alt_text=SCENE_ALT[scene].format(ciel=sky_words),
                caption=f"Illustration de la rubrique {section_name}.",
            )
        )

    # Leaf sections carry most articles; sections with children get a few of their own.
    rows = section_paths()
    parents = {row[2] for row in rows}
    weights = {}
    for path, _name, parent, *_ in rows:
        weights[path] = 1 if path in parents else (4 if parent is None else 3)
    paths = list(weights)

    plans, seen = [], set()
    statuses = (
        [Article.Status.PUBLISHED] * articles
        + [Article.Status.PUBLISHED]  # the scheduled one
        + [Article.Status.DRAFT] * 2
        + [Article.Status.IN_REVIEW] * 2
    )
    ages = _ages(articles, rng) + [-timedelta(days=2, hours=3)] + [None] * 4
    for index, (status, age) in enumerate(zip(statuses, ages, strict=True)):
        # Every section gets at least one article before the weights take over.
        path = paths[index] if index < len(paths) else rng.choices(paths, weights.values())[0]
        kind = rng.choice(_kinds_for(path))
        for _attempt in range(20):
            title, values = _headline(kind, path, rng, fake)
            if title not in seen:
                break
        seen.add(title)
        tags = rng.sample(KIND_TAGS[kind], min(2, len(KIND_TAGS[kind])))
        tags += rng.sample([t for t in TAGS if t not in tags], rng.randint(1, 3))
        slug_leaf = path.rsplit("/", 1)[-1]
        preferred = [i for i, b in enumerate(AUTHORS) if slug_leaf in b[2] or path in b[2]]
        first = rng.choice(preferred or range(len(AUTHORS)))
        signed_by = [first]
        if rng.random() < 0.2:
            signed_by.append(rng.choice([i for i in range(len(AUTHORS)) if i != first]))
        root = path.split("/")[0]
        own_photos = [i for i, p in enumerate(photos) if p.section == root]
        photo = rng.choice(own_photos or range(len(photos))) if photos else None
        plans.append(
            ArticlePlan(
                title=title,
                slug="",
                standfirst=f"{rng.choice(STANDFIRSTS)} {fake.sentence(nb_words=12)}",
                body=_body(values, rng, fake),
                section_path=path,
                tags=tags,
                authors=signed_by,
                photo=photo,
                status=status,
                age=age,
                updated_after=timedelta(hours=rng.choice([0, 0, 0, 2, 5])),
                is_breaking=age is not None and age > timedelta(0) and rng.random() < 0.05,
            )
        )

    # Breaking news: a few of the newest, so the home page's strip has something to show.
    for plan in plans[: min(3, articles)]:
        plan.is_breaking = True
    _assign_slugs(plans)
    _pick_related(plans, articles, rng)
    return Plan(seed=seed, authors=authors, photos=photos, articles=plans)


def _assign_slugs(plans):
    used = set()
    for plan in plans:
        base = french_slugify(plan.title, max_length=195)
        slug, n = base, 2
        while slug in used:
            slug = f"{base}-{n}"
            n += 1
        used.add(slug)
        plan.slug = slug


def _pick_related(plans, published_count, rng):
    """Give about one article in eight one or two manual picks from its top-level section."""
    by_root = {}
    for index in range(published_count):
        by_root.setdefault(plans[index].section_path.split("/")[0], []).append(index)
    for index in range(published_count):
        if rng.random() >= 0.125:
            continue
        candidates = [i for i in by_root[plans[index].section_path.split("/")[0]] if i != index]
        if candidates:
            plans[index].related = rng.sample(candidates, min(len(candidates), rng.randint(1, 2)))


# ---------------------------------------------------------------- drawing (Pillow only)
