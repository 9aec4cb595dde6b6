"""Names as press releases write them (English and Russian), mapped to the record's codes:
countries, cities, organisations, conventions and topics."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pycountry

from cooptrack.ingest.press import russian
from cooptrack.reference import CENTRAL_ASIA

REGIONS = {
    r"Central Asia(?:n countries|n states|n partners)?|\bCA\b": CENTRAL_ASIA,
    r"Центральн\w* Ази\w*": CENTRAL_ASIA,
    r"\bЦА\b": CENTRAL_ASIA,
}
COUNTRY_WORDS = {
    "KZ": ["Kazakhstan", "Kazakh", "Казахстан\\w*", "казахстанск\\w*"],
    "KG": [
        "Kyrgyzstan",
        "Kyrgyz Republic",
        "Kyrgyz",
        "Кыргызстан\\w*",
        "Киргизи\\w*",
        "Кыргызск\\w*",
    ],
    "TJ": ["Tajikistan", "Tajik", "Таджикистан\\w*", "таджикск\\w*"],
    "TM": ["Turkmenistan", "Turkmen", "Туркменистан\\w*", "туркменск\\w*"],
    "UZ": ["Uzbekistan", "Uzbek", "Узбекистан\\w*", "узбекск\\w*"],
    "IT": ["Italy", "Итали\\w*"],
    "BE": ["Belgium", "Бельги\\w*"],
    "GB": ["United Kingdom", "UK", "Britain", "Великобритани\\w*"],
    "CN": ["China", "Кита\\w*"],
    "CA": ["Canada", "Канад\\w*"],
    "DE": ["Germany", "Германи\\w*"],
    "FR": ["France", "Франци\\w*"],
    "AF": ["Afghanistan", "Афганистан\\w*"],
    "RU": ["Russia", "Russian Federation", "Росси\\w*"],
}
CITIES = {
    "Nur-Sultan": ("KZ", ["Nur-Sultan", "Nur Sultan", "Нур-Султан\\w*"]),
    "Astana": ("KZ", ["Astana", "Астан\\w*"]),
    "Almaty": ("KZ", ["Almaty", "Алмат\\w*"]),
    "Bishkek": ("KG", ["Bishkek", "Бишкек\\w*"]),
    "Osh": ("KG", ["Osh"]),
    "Dushanbe": ("TJ", ["Dushanbe", "Душанбе"]),
    "Khujand": ("TJ", ["Khujand", "Худжанд\\w*"]),
    "Ashgabat": ("TM", ["Ashgabat", "Ashkhabad", "Ашхабад\\w*"]),
    "Tashkent": ("UZ", ["Tashkent", "Ташкент\\w*"]),
    "Samarkand": ("UZ", ["Samarkand", "Самарканд\\w*"]),
    "Brussels": ("BE", ["Brussels", "Брюссел\\w*"]),
    "Rome": ("IT", ["Rome", "Рим\\b", "Риме"]),
    "Milan": ("IT", ["Milan", "Милан\\w*"]),
    "Glasgow": ("GB", ["Glasgow", "Глазго"]),
    "Kunming": ("CN", ["Kunming", "Куньмин\\w*"]),
    "Montreal": ("CA", ["Montreal", "Монреал\\w*"]),
    "Geneva": ("CH", ["Geneva", "Женев\\w*"]),
    "Sharm El-Sheikh": ("EG", ["Sharm El[- ]Sheikh", "Шарм-эль-Шейх\\w*"]),
    "Dubai": ("AE", ["Dubai", "Дубае?"]),
    "Baku": ("AZ", ["Baku", "Баку"]),
    "Belém": ("BR", ["Bel[ée]m"]),
    "Cali": ("CO", ["Cali"]),
    "Riyadh": ("SA", ["Riyadh", "Эр-Рияд\\w*"]),
    "Berlin": ("DE", ["Berlin", "Берлин\\w*"]),
    "Vienna": ("AT", ["Vienna", "Вен[аеы]\\b"]),
    "Luxembourg": ("LU", ["Luxembourg", "Люксембург\\w*"]),
    "New York": ("US", ["New York", "Нью-Йорк\\w*"]),
    "Awaza": ("TM", ["Awaza", "Аваз[аеы]"]),
    "Turkmenbashi": ("TM", ["Turkmenbashi", "Туркменбаши"]),
    "Cholpon-Ata": ("KG", ["Cholpon-Ata", "Чолпон-Ат[аеы]"]),
    "Karakol": ("KG", ["Karakol", "Каракол\\w*"]),
    "Shymkent": ("KZ", ["Shymkent", "Шымкент\\w*"]),
    "Turkistan": ("KZ", ["Turkistan", "Turkestan"]),
    "Aktau": ("KZ", ["Aktau", "Актау"]),
    "Kyzylorda": ("KZ", ["Kyzylorda", "Кызылорд\\w*"]),
    "Bukhara": ("UZ", ["Bukhara", "Бухар\\w*"]),
    "Khiva": ("UZ", ["Khiva", "Хив\\w*"]),
    "Nukus": ("UZ", ["Nukus", "Нукус\\w*"]),
    "Termez": ("UZ", ["Termez", "Термез\\w*"]),
    "Bonn": ("DE", ["Bonn", "Бонн\\w*"]),
    "Paris": ("FR", ["Paris", "Париж\\w*"]),
    "London": ("GB", ["London", "Лондон\\w*"]),
    "Madrid": ("ES", ["Madrid", "Мадрид\\w*"]),
    "Warsaw": ("PL", ["Warsaw", "Варшав\\w*"]),
    "Katowice": ("PL", ["Katowice", "Катовиц\\w*"]),
    "Helsinki": ("FI", ["Helsinki", "Хельсинки"]),
    "Stockholm": ("SE", ["Stockholm", "Стокгольм\\w*"]),
    "Tbilisi": ("GE", ["Tbilisi", "Тбилиси"]),
    "Istanbul": ("TR", ["Istanbul", "Стамбул\\w*"]),
    "Nairobi": ("KE", ["Nairobi", "Найроби"]),
    "Marrakech": ("MA", ["Marrakech", "Marrakesh", "Марракеш\\w*"]),
    "Bangkok": ("TH", ["Bangkok", "Бангкок\\w*"]),
}
# Russian dictionary forms (pymorphy3 lemmas) of the cities above: "в г. Ашхабаде" is Ashgabat
RU_CITY_LEMMAS = {
    "нур-султан": "Nur-Sultan",
    "астана": "Astana",
    "алматы": "Almaty",
    "алма-ата": "Almaty",
    "бишкек": "Bishkek",
    "ош": "Osh",
    "душанбе": "Dushanbe",
    "худжанд": "Khujand",
    "ашхабад": "Ashgabat",
    "ташкент": "Tashkent",
    "самарканд": "Samarkand",
    "брюссель": "Brussels",
    "рим": "Rome",
    "милан": "Milan",
    "глазго": "Glasgow",
    "монреаль": "Montreal",
    "женева": "Geneva",
    "дубай": "Dubai",
    "баку": "Baku",
    "берлин": "Berlin",
    "вена": "Vienna",
    "люксембург": "Luxembourg",
    "нью-йорк": "New York",
    "бухара": "Bukhara",
    "хива": "Khiva",
    "нукус": "Nukus",
    "термез": "Termez",
    "шымкент": "Shymkent",
    "бонн": "Bonn",
    "париж": "Paris",
    "лондон": "London",
    "мадрид": "Madrid",
    "варшава": "Warsaw",
    "тбилиси": "Tbilisi",
    "стамбул": "Istanbul",
}
# "the Turkmen capital", "в туркменской столице": the capital named through its country
CAPITALS = {"TM": "Ashgabat", "UZ": "Tashkent", "TJ": "Dushanbe", "KG": "Bishkek"}
_CAPITAL_PHRASES = {
    "TM": r"Turkmen capital|туркменск\w*+ столиц\w*+|столиц\w*+ Туркменистана",
    "UZ": r"Uzbek capital|узбекск\w*+ столиц\w*+|столиц\w*+ Узбекистана",
    "TJ": r"Tajik capital|таджикск\w*+ столиц\w*+|столиц\w*+ Таджикистана",
    "KG": r"Kyrgyz capital|кыргызск\w*+ столиц\w*+|киргизск\w*+ столиц\w*+|"
    r"столиц\w*+ (?:Кыргызстана|Киргизии)",
}
# Adjectives naming a country's people or institutions ("the Italian Ministry" is Italy);
# the Central Asian ones are country words already.
COUNTRY_ADJECTIVES = {
    "IT": ["Italian", "итальянск\\w*"],
    "GB": ["British", "британск\\w*"],
    "DE": ["German", "немецк\\w*", "германск\\w*"],
    "FR": ["French", "французск\\w*"],
    "BE": ["Belgian", "бельгийск\\w*"],
    "NL": ["Dutch", "нидерландск\\w*"],
    "FI": ["Finnish", "финск\\w*"],
    "SE": ["Swedish", "шведск\\w*"],
    "NO": ["Norwegian", "норвежск\\w*"],
    "CH": ["Swiss", "швейцарск\\w*"],
    "AT": ["Austrian", "австрийск\\w*"],
    "ES": ["Spanish", "испанск\\w*"],
    "PL": ["Polish", "польск\\w*"],
    "RO": ["Romanian", "румынск\\w*"],
    "CZ": ["Czech", "чешск\\w*"],
    "HU": ["Hungarian", "венгерск\\w*"],
    "LV": ["Latvian", "латвийск\\w*"],
    "LT": ["Lithuanian", "литовск\\w*"],
    "EE": ["Estonian", "эстонск\\w*"],
    "JP": ["Japanese", "японск\\w*"],
    "KR": ["Korean", "корейск\\w*"],
    "CN": ["Chinese", "китайск\\w*"],
    "IN": ["Indian", "индийск\\w*"],
    "TR": ["Turkish", "турецк\\w*"],
    "AF": ["Afghan", "афганск\\w*"],
    "RU": ["Russian", "российск\\w*"],
    "CA": ["Canadian", "канадск\\w*"],
    "AE": ["Emirati"],
}
CONVENTIONS = {
    "UNFCCC": [
        r"UNFCCC",
        r"(?:United Nations |UN )?Framework Convention on Climate Change",
        r"РКИК(?: ООН)?",
        r"Рамочн\w+ конвенци\w+ ООН об изменении климата",
    ],
    "PARIS": [r"Paris Agreement", r"Парижск\w+ соглашени\w*"],
    "CBD": [
        r"\bCBD\b",
        r"Convention on Biological Diversity",
        r"\bКБР\b",
        r"Конвенци\w+ о биологическом разнообразии",
    ],
    "UNCCD": [
        r"UNCCD",
        r"Convention to Combat Desertification",
        r"КБО ООН",
        r"Конвенци\w+ ООН по борьбе с опустыниванием",
    ],
    "UNECE-WATER": [
        r"(?:UNECE )?Water Convention",
        r"Convention on the Protection and Use of Transboundary Watercourses",
        r"Конвенци\w+ по охране и использованию трансграничных водотоков",
    ],
    "AARHUS": [r"Aarhus Convention", r"Орхусск\w+ конвенци\w*"],
    "ESPOO": [r"Espoo Convention", r"Конвенци\w+ Эспо"],
    "RAMSAR": [r"Ramsar", r"Рамсарск\w+ конвенци\w*"],
    "CITES": [r"\bCITES\b", r"\bСИТЕС\b"],
    "CMS": [r"Convention on Migratory Species", r"Bonn Convention"],
    "BASEL": [r"Basel Convention", r"Базельск\w+ конвенци\w*"],
    "MONTREAL": [r"Montreal Protocol", r"Монреальск\w+ протокол\w*"],
}
TOPICS = {
    "climate": [r"climate", r"климат\w*"],
    "biodiversity": [
        r"biodiversity",
        r"biological diversity",
        r"биоразнообрази\w*",
        r"биологическо\w+ разнообрази\w*",
    ],
    "circular-economy": [r"circular economy", r"циркулярн\w+ экономик\w*"],
    "water": [r"\bwater\b", r"водн\w+ ресурс\w*", r"\bвод[аыу]\b"],
    "air-quality": [r"cleaner air", r"air quality", r"air pollution", r"качеств\w+ воздуха"],
    "renewable-energy": [r"renewable energy", r"renewables", r"возобновляем\w+ источник\w*"],
    "green-finance": [
        r"green invest\w*",
        r"green finance",
        r"climate finance",
        r"зелен\w+ инвестиц\w*",
    ],
    "health": [r"\bhealth\b", r"здоровь\w*"],
    "agenda-2030": [
        r"Agenda 2030",
        r"2030 Agenda",
        r"Sustainable Development Goals",
        r"\bSDGs?\b",
        r"Повестк\w+ 2030",
    ],
    "green-deal": [r"Green Deal", r"Зелен\w+ сделк\w*"],
    "green-recovery": [r"green recovery", r"зелен\w+ восстановлени\w*"],
    "waste": [r"\bwaste\b", r"отход\w*"],
    "adaptation": [r"adaptation", r"адаптаци\w*"],
    "mitigation": [r"mitigation", r"смягчени\w*"],
    "zero-pollution": [r"zero pollution"],
    "environmental-governance": [r"environmental governance", r"environmental polic\w+"],
}
ORGANISATION_ALIASES = {
    "eu": [
        r"European Union",
        r"\bEU\b",
        r"Европейск\w+ (?:союз|Союз)\w*",
        r"\bЕС\b",
        r"Евросоюз\w*",
    ],
    "ec": [r"European Commission", r"Европейск\w+ комисси\w*", r"Еврокомисси\w*"],
    "dg-env": [
        r"General Directorate for (?:the )?Environment",
        r"Directorate[- ]General for (?:the )?Environment",
        r"DG (?:ENV|Environment)",
    ],
    "dg-clima": [r"Directorate[- ]General for Climate Action", r"DG (?:CLIMA|Climate Action)"],
    "imels": [
        r"\bIMELS\b",
        r"Italian Ministry (?:for|of) (?:the )?Environment,? Land and Sea",
        r"\bIMET\b",
        r"Ministry (?:for|of) Ecological Transition",
    ],
    "eeas": [r"\bEEAS\b", r"European External Action Service"],
    "eu-delegation-kz": [
        r"EU Delegation to Kazakhstan",
        r"Delegation of the European Union to Kazakhstan",
    ],
    "carec": [r"\bCAREC\b", r"Regional Environmental Cent(?:re|er) for Central Asia"],
    "undp": [r"\bUNDP\b", r"United Nations Development Programme"],
    "wecoop": [r"\bWECOOP\b"],
    "wgecc": [r"\bWGECC\b", r"Working Group on Environment and Climate Change"],
    "eu-ca-platform": [r"Platform for Environment and Water Cooperation"],
    "gcf": [r"Green Climate Fund"],
}


@dataclass(frozen=True)
class Hit:
    code: str
    start: int
    end: int


# Bodies that meetings belong to, not parties that make commitments.
FORUMS = {"wgecc", "eu-ca-platform", "wecoop"}


def _possessive(word: str) -> str:
    """`\\w*` and `\\w+` that never give back what they took: in every name here they are
    followed by a space or the end of the word, so this matches the same and cannot backtrack
    over a long run of letters."""
    return word.replace(r"\w*", r"\w*+").replace(r"\w+", r"\w++")


class _Names:
    """Named word lists as one pattern, so that one pass over a text finds every name (a
    pattern per name would read the text once for each); at one place the longest wins. The
    name a match belongs to is looked up afterwards (capturing groups would slow the scan)."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        words = sorted(
            ((_possessive(word), code) for code, words in table.items() for word in words),
            key=lambda pair: len(pair[0]),
            reverse=True,
        )
        self._each = [(code, re.compile(word)) for word, code in words]
        body = "|".join(word for word, _ in words)
        self._pattern = re.compile(rf"(?<![\w-])(?=[^\W\d_])(?:{body})(?![\w-])")
        self._known: dict[str, str] = {}

    def _code(self, found: str) -> str:
        code = self._known.get(found)
        if code is None:
            code = next((c for c, p in self._each if p.fullmatch(found)), self._each[0][0])
            if len(self._known) < MAX_KNOWN:
                self._known[found] = code
        return code

    def finditer(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        for match in self._pattern.finditer(text):
            yield self._code(match.group(0)), match

    def hits(self, text: str) -> list[Hit]:
        return [Hit(code, m.start(), m.end()) for code, m in self.finditer(text)]

    def fullmatch(self, word: str) -> str | None:
        match = self._pattern.fullmatch(word)
        return self._code(match.group(0)) if match else None


MAX_KNOWN = 10_000  # names remembered with the list they belong to


_COUNTRIES = _Names(COUNTRY_WORDS)
_REGIONS = {re.compile(_possessive(p)): codes for p, codes in REGIONS.items()}
_CITIES = _Names({name: words for name, (_, words) in CITIES.items()})
_CONVENTIONS = _Names(CONVENTIONS)
_ADJECTIVES = _Names(COUNTRY_ADJECTIVES)
_CAPITALS = {code: re.compile(phrase) for code, phrase in _CAPITAL_PHRASES.items()}
_TOPICS = {
    code: re.compile("|".join(map(_possessive, words)), re.IGNORECASE)
    for code, words in TOPICS.items()
}


def countries(text: str) -> list[Hit]:
    hits = _COUNTRIES.hits(text)
    for pattern, codes in _REGIONS.items():
        for m in pattern.finditer(text):
            hits += [Hit(code, m.start(), m.end()) for code in codes]
    for code, name, pattern in _other_countries():
        if name in text:
            hits += [Hit(code, m.start(), m.end()) for m in pattern.finditer(text)]
    return sorted(hits, key=lambda h: h.start)


@functools.cache
def _other_countries() -> list[tuple[str, str, re.Pattern[str]]]:
    """Every other country by its common English name (read from pycountry once)."""
    found = []
    for country in pycountry.countries:
        name = getattr(country, "common_name", None) or country.name
        if country.alpha_2 not in COUNTRY_WORDS and len(name) > 4:
            found.append((country.alpha_2, name, re.compile(rf"\b{re.escape(name)}\b")))
    return found


def cities(text: str) -> list[tuple[str, str, int]]:
    """(city, country code, position) for each known city named."""
    return [(name, CITIES[name][0], m.start()) for name, m in _CITIES.finditer(text)]


def city_named(word: str) -> tuple[str, str] | None:
    """A dateline word ("NUR-SULTAN", "АСТАНА", "Дубай") as (city, country)."""
    word = word.strip()
    name = _CITIES.fullmatch(word) or _CITIES.fullmatch(word.title())
    if name is not None:
        return name, CITIES[name][0]
    if _CYRILLIC_NAME.fullmatch(word.title()):
        return _russian_city(word.title())
    return None


_CYRILLIC_NAME = re.compile(r"[А-ЯЁ][а-яё]++(?:-[А-ЯЁа-яё][а-яё]*+)*+")


def _russian_city(word: str) -> tuple[str, str] | None:
    """A city named in any case ("Ашхабаде", "Самарканде"), through its dictionary form."""
    for lemma in russian.place_lemmas(word):
        name = RU_CITY_LEMMAS.get(lemma)
        if name is not None:
            return name, CITIES[name][0]
    return None


def russian_cities(text: str) -> list[tuple[str, str, int]]:
    """(city, country code, position) for each city a capitalised Russian word names."""
    found = []
    for match in _CYRILLIC_NAME.finditer(text):
        place = _russian_city(match.group(0))
        if place is not None:
            found.append((place[0], place[1], match.start()))
    return found


def capital_named(text: str) -> tuple[str, str, int] | None:
    """The first capital named through its country ("в туркменской столице")."""
    hits = [
        (CAPITALS[code], code, m.start())
        for code, pattern in _CAPITALS.items()
        for m in pattern.finditer(text)
    ]
    return min(hits, key=lambda hit: hit[2]) if hits else None


def country_words(text: str) -> list[Hit]:
    """Countries named by name or by an adjective ("Italian", "Turkmen"), in order; where an
    adjective and a name overlap the longer is kept."""
    hits = countries(text) + _ADJECTIVES.hits(text)
    hits.sort(key=lambda h: (h.start, -h.end))
    return hits


def conventions(text: str) -> list[Hit]:
    return _CONVENTIONS.hits(text)


def topics(text: str) -> list[Hit]:
    hits = [Hit(code, m.start(), m.end()) for code, p in _TOPICS.items() for m in p.finditer(text)]
    return sorted(hits, key=lambda h: h.start)


class Organisations:
    """Organisation names, short names and known aliases → organisation ids."""

    def __init__(self, names: dict[str, tuple[str, str]]) -> None:
        table: dict[str, list[str]] = {}
        country_names = {c for words in COUNTRY_WORDS.values() for c in words}
        for ident, (name, short) in names.items():
            # "Italy" as a short name would turn every mention of the country into its government
            usable = short if short and short not in country_names else None
            words = {re.escape(name), re.escape(usable)} if usable else {re.escape(name)}
            table[ident] = [w for w in words if len(w) > 2]
        for ident, aliases in ORGANISATION_ALIASES.items():
            if ident in names or not names:
                table.setdefault(ident, []).extend(aliases)
        self._names = _Names(table) if table else None

    def find(self, text: str) -> list[Hit]:
        return self._names.hits(text) if self._names else []


def unique(hits: Iterable[Hit]) -> list[str]:
    return list(dict.fromkeys(h.code for h in hits))
