"""A synthetic book for benchmarks: N valid practice records in L languages.

The layout is that of a real book's sources (book.yaml, practices/, chapters/<lang>/,
translations/<lang>/), every translation current (its `source:` is the hash of the text
it translates), so the result passes `pipeline validate` and builds like the sample.

Text comes from word lists per language (Latin with Central European diacritics, and
Cyrillic), so hyphenation, shaping and line breaking cost what real prose costs; it is not
meant to be read. Prose fields have 60–120 words, like the sample's. The output depends
only on the parameters: every field draws from its own random stream, seeded by the seed,
the record and the field, so record CZ-007 is the same in a corpus of 40 and of 1,000.
"""

from __future__ import annotations

import functools
import json
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from pipeline.contract import BLOCK_MARKDOWN, Contract, load_contract
from pipeline.diagnostics import PipelineError, error
from pipeline.merge import source_hash

LANGS = ("en", "uk", "pl", "cs", "sk", "hu")
COUNTRY_LANG = {"CZ": "cs", "PL": "pl", "SK": "sk", "HU": "hu"}
MAX_PER_COUNTRY = 999          # ids are <country>-<three digits>
# A corpus imitates the sample book: its contract, and the labels of its codes.
SAMPLE = Path(__file__).resolve().parent.parent / "sources"


@functools.cache
def contract() -> Contract:
    from pipeline.yamldoc import load_yaml
    doc, problems = load_yaml(SAMPLE / "contract.yaml")
    found, more = load_contract(doc, SAMPLE / "contract.yaml")
    if found is None:
        raise PipelineError(problems + more)
    return found
MARKER = ".synthetic-corpus"   # names a folder this module may overwrite

# ------------------------------------------------------------------ word lists

_WORDS = {
    "en": """
        the the the of of of and and and to to in in for for with with by on from a a an
        its their was were has have also however therefore since after during within across
        together quickly gradually each several many most first new small local regional
        municipal joint shared regular weekly monthly long-term temporary public civil
        municipality council refugees partnership organisation community volunteers support
        housing education services advocacy authorities families children schools integration
        language courses information centre office budget funding programme project
        cooperation agreement consultation dialogue needs assessment reception accommodation
        employment health counselling legal advice social assistance displaced people Ukraine
        city district region staff coordinators teachers parents women workers employers mayor
        officials decisions policy plan strategy results evidence data monitoring report
        recommendations experience lessons practice model approach network platform meetings
        workshop training mentoring translation interpreters library hospital clinic
        psychologists trust capacity resources grant donors society groups diaspora leaders
        voice rights access barriers waiting register application permit benefits protection
        status transition helped agreed opened organised funded provided developed adopted
        improved expanded continued proposed invited collected prepared coordinated
        established supported financed evaluated documented presented negotiated
        interpretation neighbourhood households accessible multilingual qualifications
        recognition kindergartens caseworkers outreach transport vouchers allowances
    """,
    "uk": """
        і і та та в в у у з з на на до до для для від від після протягом також однак тому
        разом швидко поступово кожна кілька багато перші нові невеликі місцеві регіональні
        муніципальні спільні регулярні щотижневі щомісячні тривалі тимчасові громадські
        громада міська рада біженці партнерство організація волонтери підтримка житло освіта
        послуги адвокація влада родини діти школи інтеграція мова курси інформація центр
        управління бюджет фінансування програма проєкт співпраця угода консультації діалог
        потреби оцінювання прийом розміщення працевлаштування здоров’я психологічна юридична
        допомога соціальна переміщені люди України місто район область працівники
        координатори вчителі батьки жінки роботодавці мер посадовці рішення політика план
        стратегія результати дані моніторинг звіт рекомендації досвід уроки практика модель
        мережа платформа зустрічі семінар навчання наставництво переклад перекладачі
        бібліотека лікарня психологи довіра спроможність ресурси грант донори суспільство
        групи діаспора лідери голос права доступ бар’єри реєстрація статус захист перехід
        допомогли погодили відкрили організували профінансували забезпечили розробили
        ухвалили покращили розширили продовжили запропонували запросили зібрали підготували
        координували заснували оцінили задокументували представили домовилися
        домогосподарства доступні багатомовні кваліфікації визнання дитсадки соціальні
        працівниці транспорт ваучери виплати мешканці депутати громадянське суспільне
    """,
    "pl": """
        i i oraz oraz w w z z na na do do dla dla od po podczas również jednak dlatego
        razem szybko stopniowo każda kilka wiele pierwsze nowe niewielkie lokalne regionalne
        miejskie wspólne regularne cotygodniowe comiesięczne długofalowe czasowa publiczne
        gmina rada miasta uchodźcy partnerstwo organizacja społeczność wolontariusze
        wsparcie mieszkania edukacja usługi rzecznictwo władze rodziny dzieci szkoły
        integracja język kursy informacja centrum urząd budżet finansowanie program projekt
        współpraca porozumienie konsultacje dialog potrzeby ocena przyjmowanie zakwaterowanie
        zatrudnienie zdrowie poradnictwo prawne pomoc społeczna osoby Ukrainy miasto
        dzielnica województwo pracownicy koordynatorzy nauczyciele rodzice kobiety
        pracodawcy burmistrz urzędnicy decyzje polityka plan strategia wyniki dane
        monitoring raport rekomendacje doświadczenie wnioski praktyka model sieć platforma
        spotkania warsztaty szkolenia tłumaczenia tłumacze biblioteka szpital psycholodzy
        zaufanie zasoby grant darczyńcy obywatelskie grupy diaspora liderzy głos prawa
        dostęp bariery rejestracja status ochrona przejście pomogły uzgodniły otworzyły
        zorganizowały sfinansowała zapewniła opracowali przyjęła poprawiła rozszerzyła
        kontynuowano zaproponowali zaprosili zebrali przygotowali koordynowali założyli
        oceniali udokumentowali przedstawili wynegocjowali świetlica żłobek łączność
        gospodarstwa dostępne wielojęzyczne kwalifikacje uznawanie przedszkola
        pracowniczki dojazdy bony świadczenia mieszkańcy radni źródło środki
    """,
    "cs": """
        a a a v v s s na na do do pro pro od po během také však proto společně rychle
        postupně každá několik mnoho první nové malé místní krajské městské společný
        pravidelné týdenní měsíční dlouhodobé dočasná veřejné obec rada města uprchlíci
        partnerství organizace komunita dobrovolníci podpora bydlení vzdělávání služby
        obhajoba úřady rodiny děti školy integrace jazyk kurzy informace centrum úřad
        rozpočet financování program projekt spolupráce dohoda konzultace dialog potřeby
        hodnocení přijetí ubytování zaměstnávání zdraví poradenství právní pomoc sociální
        lidé Ukrajiny město čtvrť kraj pracovníci koordinátoři učitelé rodiče ženy
        zaměstnavatelé starosta úředníci rozhodnutí politika plán strategie výsledky data
        monitoring zpráva doporučení zkušenosti poučení praxe model síť platforma setkání
        workshopy školení překlady tlumočníci knihovna nemocnice psychologové důvěra zdroje
        grant dárci občanské skupiny diaspora lídři hlas práva přístup překážky registrace
        status ochrana přechod pomohly dohodly otevřely uspořádaly financovalo zajistilo
        vypracovali přijalo zlepšilo rozšířilo pokračovalo navrhli pozvali shromáždili
        připravili koordinovali založili hodnotili zdokumentovali představili vyjednali
        řešení účast čeština domácnosti přístupné vícejazyčné kvalifikace uznávání školky
        pracovnice doprava poukázky příspěvky obyvatelé zastupitelé prostředky
    """,
    "sk": """
        a a a v v s s na na do do pre pre od po počas tiež však preto spoločne rýchlo
        postupne každá niekoľko mnoho prvé nové malé miestne krajské mestské spoločný
        pravidelné týždenné mesačné dlhodobé dočasné verejné obec zastupiteľstvo mesta
        utečenci partnerstvo organizácia komunita dobrovoľníci podpora bývanie vzdelávanie
        služby advokácia úrady rodiny deti školy integrácia jazyk kurzy informácie centrum
        úrad rozpočet financovanie program projekt spolupráca dohoda konzultácie dialóg
        potreby hodnotenie prijatie ubytovanie zamestnávanie zdravie poradenstvo právne
        pomoc sociálna ľudia Ukrajiny mesto štvrť kraj pracovníci koordinátori učitelia
        rodičia ženy zamestnávatelia primátor úradníci rozhodnutia politika plán stratégia
        výsledky údaje monitorovanie správa odporúčania skúsenosti poučenia prax model sieť
        platforma stretnutia workshopy školenia preklady tlmočníci knižnica nemocnica
        psychológovia dôvera zdroje grant darcovia občianske skupiny diaspóra lídri hlas
        práva prístup prekážky registrácia status ochrana útočisko prechod pomohli dohodli
        otvorili zorganizovali financovalo zabezpečilo vypracovali prijalo zlepšilo
        rozšírilo pokračovalo navrhli pozvali zhromaždili pripravili koordinovali založili
        hodnotili zdokumentovali predstavili vyjednali riešenie účasť domácnosti prístupné
        viacjazyčné kvalifikácie uznávanie škôlky pracovníčky doprava poukážky príspevky
        obyvatelia poslanci prostriedky
    """,
    "hu": """
        a a az az és és is hogy hogy számára között után alatt szintén azonban ezért
        együtt gyorsan fokozatosan minden több sok első új kisebb helyi megyei városi
        közös rendszeres heti havi hosszú ideiglenes nyilvános önkormányzat közgyűlés város
        menekültek partnerség szervezet közösség önkéntesek támogatás lakhatás oktatás
        szolgáltatások érdekképviselet hatóságok családok gyerekek iskolák integráció nyelv
        tanfolyamok tájékoztatás központ hivatal költségvetés finanszírozás program projekt
        együttműködés megállapodás egyeztetés párbeszéd szükségletek értékelés befogadás
        szállás foglalkoztatás egészség tanácsadás jogi segítség szociális emberek
        Ukrajnából kerület régió munkatársak koordinátorok tanárok szülők nők munkáltatók
        polgármester tisztviselők döntések szakpolitika terv stratégia eredmények adatok
        nyomonkövetés jelentés ajánlások tapasztalatok tanulságok gyakorlat modell hálózat
        platform találkozók műhelyek képzések fordítás tolmácsok könyvtár kórház
        pszichológusok bizalom kapacitás források pályázat adományozók civil társadalom
        csoportok diaszpóra vezetők hang jogok hozzáférés akadályok nyilvántartás védelem
        átmenet segítettek megállapodtak megnyitották megszervezték finanszírozta
        biztosította kidolgozták elfogadta javította bővítette folytatta javasolták
        meghívták összegyűjtötték előkészítették koordinálták létrehozták értékelték
        dokumentálták bemutatták megoldás részvétel ügyintézés háztartások akadálymentes
        többnyelvű képesítések elismerés óvodák szociális munkások közlekedés utalványok
        juttatások lakosok képviselők gyermekjóléti
    """,
}
WORDS = {lang: tuple(text.split()) for lang, text in _WORDS.items()}

# Headings of the written chapters, per language (the body comes from the word lists).
CHAPTERS = {  # name -> (target words, {lang: title}); context-* chapters have no heading
    "foreword": (270, {"en": "Foreword", "uk": "Передмова", "pl": "Przedmowa",
                       "cs": "Předmluva", "sk": "Predhovor", "hu": "Előszó"}),
    "executive-summary": (400, {"en": "Executive summary", "uk": "Резюме",
                                "pl": "Streszczenie", "cs": "Shrnutí", "sk": "Zhrnutie",
                                "hu": "Vezetői összefoglaló"}),
    "introduction": (700, {"en": "Introduction", "uk": "Вступ", "pl": "Wprowadzenie",
                           "cs": "Úvod", "sk": "Úvod", "hu": "Bevezetés"}),
    "methodology": (580, {"en": "Methodology", "uk": "Методологія", "pl": "Metodologia",
                          "cs": "Metodika", "sk": "Metodika", "hu": "Módszertan"}),
    "comparative-analysis": (620, {"en": "Comparative analysis", "uk": "Порівняльний аналіз",
                                   "pl": "Analiza porównawcza", "cs": "Srovnávací analýza",
                                   "sk": "Porovnávacia analýza",
                                   "hu": "Összehasonlító elemzés"}),
    "recommendations": (700, {"en": "Recommendations", "uk": "Рекомендації",
                              "pl": "Rekomendacje", "cs": "Doporučení", "sk": "Odporúčania",
                              "hu": "Ajánlások"}),
    **{f"context-{c.lower()}": (105, {}) for c in COUNTRY_LANG},
}
CITING = {"executive-summary": 5, "comparative-analysis": 5, "recommendations": 20}
FULL_EDITION = ["foreword", "executive-summary", "introduction", "methodology",
                "comparative-analysis", "comparison", "stakeholders", "practices",
                "recommendations", "annex-rubric", "annex-workshops", "practices-by-theme",
                "organisations"]

LOCALITIES = {
    "CZ": ["Praha", "Brno", "Ostrava", "Plzeň", "Liberec", "Olomouc", "České Budějovice",
           "Hradec Králové", "Ústí nad Labem", "Pardubice", "Zlín", "Jihlava", "Karlovy Vary",
           "Opava", "Třebíč"],
    "PL": ["Kraków", "Warszawa", "Wrocław", "Łódź", "Poznań", "Gdańsk", "Lublin", "Rzeszów",
           "Przemyśl", "Chrzanów", "Białystok", "Katowice", "Zamość", "Chełm", "Bielsko-Biała"],
    "SK": ["Košice", "Bratislava", "Prešov", "Žilina", "Banská Bystrica", "Nitra", "Trnava",
           "Trenčín", "Michalovce", "Humenné", "Poprad", "Martin", "Snina", "Zvolen"],
    "HU": ["Budapest", "Debrecen", "Nyíregyháza", "Miskolc", "Szeged", "Pécs", "Győr",
           "Záhony", "Kisvárda", "Eger", "Szolnok", "Békéscsaba", "Kecskemét", "Sopron"],
}
AUTHORITY = {  # actor type -> name pattern, per country
    "CZ": {"municipality": "Statutární město {loc}", "city_district": "Městská část {loc} {n}",
           "regional_self_government": "Krajský úřad ({loc})",
           "public_institution": "Městská knihovna {loc}"},
    "PL": {"municipality": "Urząd Miasta {loc}", "city_district": "Rada Dzielnicy {loc} {n}",
           "regional_self_government": "Urząd Marszałkowski ({loc})",
           "public_institution": "Miejska Biblioteka Publiczna ({loc})"},
    "SK": {"municipality": "Mesto {loc}", "city_district": "Mestská časť {loc} {n}",
           "regional_self_government": "Samosprávny kraj ({loc})",
           "public_institution": "Mestská knižnica {loc}"},
    "HU": {"municipality": "{loc} Önkormányzata", "city_district": "{loc} {n}. kerület",
           "regional_self_government": "Megyei Önkormányzat ({loc})",
           "public_institution": "{loc} Városi Könyvtár"},
}
CIVIL = {  # actor type -> name pattern, per country
    "CZ": {"ngo": "Spolek {name} {loc}", "refugee_led_org": "Ukrajinská komunita {loc}",
           "faith_based_org": "Diecézní charita ({loc})"},
    "PL": {"ngo": "Stowarzyszenie {name} ({loc})", "refugee_led_org": "Fundacja Ukraińska {name}",
           "faith_based_org": "Caritas ({loc})"},
    "SK": {"ngo": "Občianske združenie {name} {loc}", "refugee_led_org": "Ukrajinská komunita {loc}",
           "faith_based_org": "Arcidiecézna charita ({loc})"},
    "HU": {"ngo": "{name} Egyesület ({loc})", "refugee_led_org": "Ukrán Közösség ({loc})",
           "faith_based_org": "Máltai Szeretetszolgálat ({loc})"},
}
NGO_NAMES = ["Mosty", "Nadiya", "Kalyna", "Razom", "Dobro", "Horizont", "Soseidy", "Kompas",
             "Most", "Svitanok", "Domivka", "Otwarte Drzwi", "Ľudia v núdzi", "Híd", "Partner",
             "Vidkryti", "Perspektiva", "Sousedé", "Dialóg", "Krok"]
OTHERS = [("International Visegrad Fund", "donor", "funder"),
          ("UNHCR", "international_org", "funder"),
          ("IOM", "international_org", "partner"),
          ("Open Society Foundations", "donor", "funder"),
          ("Regional University", "academia", "ally"),
          ("Local Radio", "media", "ally")]
CURRENCY = {"CZ": "CZK", "PL": "PLN", "SK": "EUR", "HU": "HUF"}
ASSESSORS = [("J. Dvořák", "CZ"), ("K. Nowak", "PL"), ("M. Horváth", "SK"),
             ("Z. Kovács", "HU"), ("O. Kovalenko", "UA")]
WORKSHOPS = [{"id": "CZ-2024-09", "country": "CZ", "city": "Brno", "start": "2024-09-26"},
             {"id": "PL-2024-10", "country": "PL", "city": "Kraków", "start": "2024-10-11",
              "end": "2024-10-12"},
             {"id": "SK-2024-11", "country": "SK", "city": "Košice", "start": "2024-11-14"}]


@dataclass(frozen=True)
class Corpus:
    root: Path
    practices: int
    langs: tuple[str, ...]
    seed: int
    files: int


# ------------------------------------------------------------------ text


class _Text:
    """Random text in one language from one seeded stream."""

    def __init__(self, lang: str, *seed_parts):
        self.lang = lang
        self.words = WORDS[lang]
        self.rng = random.Random(":".join(map(str, seed_parts)))

    def sentence(self, low: int = 8, high: int = 17) -> str:
        n = self.rng.randint(low, high)
        words = [self.rng.choice(self.words) for _ in range(n)]
        if n > 9 and self.rng.random() < 0.5:
            words[self.rng.randint(3, n - 4)] += ","
        first = words[0]
        words[0] = first[:1].upper() + first[1:]
        return " ".join(words) + "."

    def words_text(self, target: int, *, low: int = 8, high: int = 17) -> str:
        """Sentences adding up to about `target` words."""
        out, count = [], 0
        while count < max(1, target - 4):
            s = self.sentence(low, min(high, max(low, target - count)))
            out.append(s)
            count += len(s.split())
        return " ".join(out)

    def paragraphs(self, total: int, parts: int) -> list[str]:
        sizes = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
        return [self.words_text(s) for s in sizes]

    def bullets(self, items: int, words: int) -> str:
        return "\n".join(f"- {self.words_text(words, low=5, high=words)}" for _ in range(items))

    def block(self, total: int, shape: str) -> str:
        """Block Markdown of about `total` words: `paras` (two paragraphs) or `list`
        (a lead paragraph and a short bullet list)."""
        if shape == "list":
            lead = self.words_text(total // 2)
            items = self.rng.randint(3, 4)
            return lead + "\n\n" + self.bullets(items, max(6, (total - total // 2) // items)) + "\n"
        return "\n\n".join(self.paragraphs(total, 2)) + "\n"

    def inline(self, low: int, high: int, limit: int = 1000) -> str:
        text = self.words_text(self.rng.randint(low, high))
        while len(text) > limit:
            text = text[:text.rstrip(".").rfind(" ")].rstrip(",") + "."
        return text

    def title(self) -> str:
        words = [self.rng.choice([w for w in self.words if len(w) > 3])
                 for _ in range(self.rng.randint(3, 6))]
        text = " ".join(words)
        return text[:1].upper() + text[1:]


# ------------------------------------------------------------------ records


def practice_ids(n: int) -> list[str]:
    """N ids spread round-robin over the four countries: CZ-001, PL-001, SK-001, HU-001, …"""
    countries = contract().countries
    if n > MAX_PER_COUNTRY * len(countries):
        raise ValueError(f"at most {MAX_PER_COUNTRY * len(countries)} practices")
    return [f"{countries[i % len(countries)]}-{i // len(countries) + 1:03d}" for i in range(n)]


def _shape(rng: random.Random, name: str) -> str:
    if name in ("activities", "results"):
        return "list" if rng.random() < 0.6 else "paras"
    return "paras"


def _prose(lang: str, seed: int, pid: str, name: str) -> str:
    """The text of one translatable field of a record in `lang`; the same length and
    shape in every language (drawn from a stream that does not depend on the language)."""
    sizes = random.Random(f"{seed}:{pid}:{name}:size")
    text = _Text(lang, seed, pid, name, lang)
    if name == "title":
        return text.title()
    if name == "summary":
        return text.inline(40, 60, limit=690)
    if name in ("advocacy.ask", "advocacy.outcome"):
        return text.inline(10, 22)
    if name == "reach.note":
        return text.inline(5, 10)
    return text.block(sizes.randint(60, 120), _shape(sizes, name))


def record(pid: str, seed: int, langs: tuple[str, ...]) -> dict:
    """One valid, published practice record."""
    rng = random.Random(f"{seed}:{pid}:record")
    country = pid[:2]
    local = COUNTRY_LANG[country]
    lang = local if local in langs[1:] and rng.random() < 0.25 else langs[0]
    loc = rng.choice(LOCALITIES[country])
    ngo_name = rng.choice(NGO_NAMES)
    authority_types = rng.sample(sorted(AUTHORITY[country]), rng.randint(1, 2))
    civil_types = rng.sample(sorted(CIVIL[country]), rng.randint(1, 2))
    actors = []
    for i, t in enumerate(civil_types):
        actors.append({"name": CIVIL[country][t].format(loc=loc, name=ngo_name), "type": t,
                       "role": "lead" if i == 0 and rng.random() < 0.5 else "partner"})
    for t in authority_types:
        actors.append({"name": AUTHORITY[country][t].format(loc=loc, n=rng.randint(1, 9)),
                       "type": t, "role": rng.choice(["partner", "lead", "advocacy_target"])})
    if rng.random() < 0.6:
        name, t, role = rng.choice(OTHERS)
        actors.append({"name": name, "type": t, "role": role})
    if not any(a["role"] == "lead" for a in actors):
        actors[0]["role"] = "lead"

    year = rng.choice([2022, 2023, 2024])
    start_month = rng.randint(3 if year == 2022 else 1, 12)
    status = rng.choices(["completed", "ongoing", "mainstreamed"], [5, 3, 2])[0]
    period = {"start": f"{year}-{start_month:02d}"}
    if status == "completed":
        end_year = min(year + rng.randint(0, 1), 2024)
        end_month = rng.randint(start_month if end_year == year else 1, 12)
        period["end"] = f"{end_year}-{end_month:02d}"

    workshop = next((w for w in WORKSHOPS if w["country"] == country), None)
    if workshop and rng.random() < 0.7:
        provenance = {"method": "workshop", "workshop": workshop["id"],
                      "collected": workshop["start"]}
    else:
        provenance = {"method": rng.choice(["interview", "desk_research", "submission"]),
                      "collected": f"2024-{rng.randint(6, 12):02d}-{rng.randint(1, 28):02d}"}
    provenance["contributors"] = [actors[0]["name"]]

    vocabularies = contract().vocabularies
    formalised = rng.random() < 0.6
    partnership = {"forms": rng.sample(vocabularies["partnership_form"],
                                       rng.randint(1, 3)),
                   "formalised": formalised}
    if formalised:
        partnership["instrument"] = rng.choice(vocabularies["instrument"])
    partnership["initiated_by"] = rng.choice(vocabularies["initiated_by"])

    text = {name: _prose(lang, seed, pid, name) for name in contract().translated}
    authorities = [a["name"] for a in actors if a["type"] in AUTHORITY[country]]
    advocacy = {"activities": rng.sample(vocabularies["advocacy_activity"],
                                         rng.randint(1, 3)),
                "targets": authorities[:2],
                "ask": text["advocacy.ask"], "outcome": text["advocacy.outcome"],
                "outcome_level": rng.choice(vocabularies["outcome_level"])}

    scores = _scores(rng)
    own = [a for a in ASSESSORS if a[1] == country]
    others = [a for a in ASSESSORS if a[1] != country]
    assessors = own + rng.sample(others, rng.randint(1, 2))

    out = {"id": pid}
    if lang != langs[0]:
        out["lang"] = lang
    out.update({
        "title": text["title"], "summary": text["summary"], "country": country,
        "locality": loc, "scale": rng.choice(vocabularies["scale"]),
        "period": period, "status": status, "provenance": provenance, "actors": actors,
        "partnership": partnership, "advocacy": advocacy,
        "themes": rng.sample(vocabularies["theme"], rng.randint(1, 3)),
        "target_groups": rng.sample(vocabularies["target_group"], rng.randint(1, 3)),
        "participation": rng.choice(vocabularies["participation"]),
    })
    if rng.random() < 0.7:
        out["reach"] = {"people": rng.randint(20, 5000), "note": text["reach.note"]}
    else:
        del text["reach.note"]
    resources = {"funding": [rng.choice(OTHERS[:4])[0]]}
    if rng.random() < 0.6:
        resources["budget"] = {"amount": rng.randint(5, 500) * 1000,
                               "currency": CURRENCY[country]}
    out["resources"] = resources
    for name in BLOCK_MARKDOWN:
        out[name] = text[name]
    out["sources"] = [{"title": f"{pid} report {i + 1}",
                       "url": f"https://example.org/practices/{pid.lower()}/{i + 1}",
                       "accessed": f"2024-{rng.randint(6, 12):02d}-{rng.randint(1, 28):02d}"}
                      for i in range(rng.randint(1, 2))]
    out["assessment"] = {"assessors": [{"name": n, "country": c} for n, c in assessors],
                         "scores": scores}
    out["editorial"] = {"status": "published", "consent": True}
    return out


def _scores(rng: random.Random) -> dict:
    """Scores that give about a quarter best, half good, a quarter promising practices."""
    level = rng.choices([3, 2, 1], [1, 2, 1])[0]
    weights = {3: [0, 1, 3, 6], 2: [0, 3, 6, 2], 1: [2, 6, 3, 0]}[level]
    return {c: rng.choices([0, 1, 2, 3], weights)[0] for c in contract().rubric.criteria}


# ------------------------------------------------------------------ chapters


def chapter_body(name: str, lang: str, seed: int, cited: list[str]) -> str:
    """A written chapter in `lang`: the same structure, heading ids and citations in
    every language."""
    words, titles = CHAPTERS[name]
    shape = random.Random(f"{seed}:chapter:{name}:shape")
    text = _Text(lang, seed, "chapter", name, lang)
    if not titles:  # a country context: one paragraph, no heading
        return text.words_text(words) + "\n"
    parts = [f"# {titles[lang]} {{#{name}}}"]
    sections = max(1, words // 170)
    cites = list(cited)
    for k in range(sections):
        heading = text.title()
        parts.append(f"## {heading} {{#{name}-{k + 1}}}")
        budget = words // sections
        if shape.random() < 0.4 or cites and name == "recommendations":
            items = shape.randint(3, 5)
            lines = []
            for i in range(items):
                item = f"{i + 1}. **{text.sentence(3, 6)}** {text.words_text(budget // items)}"
                if cites:
                    group = [cites.pop() for _ in range(min(len(cites), shape.randint(1, 2)))]
                    item = item[:-1] + " [" + "; ".join(f"@{c}" for c in group) + "]."
                lines.append(item)
            parts.append("\n".join(lines))
        else:
            for paragraph in text.paragraphs(budget, 2):
                if cites and shape.random() < 0.5:
                    paragraph = paragraph[:-1] + f" [@{cites.pop()}]."
                parts.append(paragraph)
    return "\n\n".join(parts) + "\n"


# ------------------------------------------------------------------ files


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # libyaml: ~10x faster
    """Multi-line strings as literal blocks, like the hand-written sample."""


def _str(dumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def _yaml(data) -> str:
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=88)


def _translation_file(unit: str, lang: str, fields: dict[str, tuple[str, str]]) -> str:
    """fields: name -> (source text, translated text)."""
    head = (f"# {'Book metadata' if unit == 'book' else 'Practice ' + unit} in `{lang}` "
            "(synthetic corpus).\n")
    body = {name: {"source": source_hash(src), "text": text}
            for name, (src, text) in fields.items()}
    return head + _yaml(body)


def book_yaml(practices: int, langs: tuple[str, ...], seed: int) -> dict:
    return {
        "slug": "synthetic-corpus", "version": "0.1.0", "date": "2025-01-31",
        "identifier": "urn:uuid:00000000-0000-4000-8000-%012d" % (practices * 10 + len(langs)),
        "source_language": langs[0], "languages": list(langs),
        "title": _Text(langs[0], seed, "book", "title").title(),
        "subtitle": _Text(langs[0], seed, "book", "subtitle").inline(8, 14),
        "notice": (_Text(langs[0], seed, "book", "notice").inline(25, 40)
                   + f" ({practices} synthetic practices.)"),
        "editors": ["A. Editor"], "publisher": "Synthetic Publisher", "place": "Lviv",
        "funder": "International Visegrad Fund", "licence": "CC BY 4.0",
        "licence_url": "https://creativecommons.org/licenses/by/4.0/",
        "contact": "mailto:info@example.org",
        "workshops": WORKSHOPS,
        "default_edition": "full",
        "editions": {"full": {"fallback": "mark", "chapters": FULL_EDITION},
                     "brief": {"fallback": "mark", "practices": "best",
                               "chapters": ["executive-summary", "practices",
                                            "recommendations"]}},
        "release": {"editions": ["full"], "languages": list(langs)},
    }


def parse_langs(value: str | int) -> tuple[str, ...]:
    """`3` (the first three of en, uk, pl, cs, sk, hu) or `en,pl` (the first is the
    source language)."""
    text = str(value).strip()
    if text.isdigit():
        n = int(text)
        if not 1 <= n <= len(LANGS):
            raise PipelineError(error("--langs", "bad-langs",
                                      f"between 1 and {len(LANGS)} languages, not {n}"))
        return LANGS[:n]
    langs = tuple(dict.fromkeys(p.strip() for p in text.split(",") if p.strip()))
    unknown = [lang for lang in langs if lang not in LANGS]
    if unknown or not langs:
        raise PipelineError(error("--langs", "bad-langs",
                                  f"unknown language `{unknown[0] if unknown else text}`",
                                  hint="choose from " + ", ".join(LANGS)))
    return langs


def generate(root: Path, practices: int, langs: tuple[str, ...] = LANGS,
             seed: int = 1) -> Corpus:
    """Write a complete synthetic book into `root` (replaced if it is an earlier corpus;
    refused if it is any other non-empty folder)."""
    root = Path(root)
    if not 1 <= practices <= MAX_PER_COUNTRY * 4:
        raise PipelineError(error("--practices", "bad-count",
                                  f"between 1 and {MAX_PER_COUNTRY * 4} practices, not {practices}"))
    if root.exists() and any(root.iterdir()):
        if not (root / MARKER).is_file():
            raise PipelineError(error(root, "not-a-corpus",
                                      "the folder is not empty and is not a synthetic corpus",
                                      hint="choose a new or empty folder"))
        shutil.rmtree(root)
    root.mkdir(parents=True, exist_ok=True)
    files = 0

    def write(rel: str, text: str) -> None:
        nonlocal files
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    (root / MARKER).write_text(json.dumps({"practices": practices, "langs": list(langs),
                                           "seed": seed}) + "\n", encoding="utf-8")
    source = langs[0]
    write("contract.yaml", (SAMPLE / "contract.yaml").read_text(encoding="utf-8"))
    for lang in langs:
        write(f"strings/{lang}.yaml", (SAMPLE / "strings" / f"{lang}.yaml").read_text("utf-8"))
    book = book_yaml(practices, langs, seed)
    write("book.yaml", "# A synthetic book for benchmarks (pipeline corpus).\n" + _yaml(book))
    for lang in langs[1:]:
        write(f"translations/{lang}/book.yaml", _translation_file("book", lang, {
            "title": (book["title"], _Text(lang, seed, "book", "title", lang).title()),
            **{name: (book[name], _Text(lang, seed, "book", name, lang).inline(
                len(book[name].split()), len(book[name].split())))
               for name in ("subtitle", "notice")}}))

    ids = practice_ids(practices)
    for pid in ids:
        rec = record(pid, seed, langs)
        write(f"practices/{pid}.yaml", _yaml(rec))
        text_lang = rec.get("lang", source)
        originals = {}
        for name in contract().translated:
            value = rec
            for part in name.split("."):
                value = value.get(part) if isinstance(value, dict) else None
            if isinstance(value, str):
                originals[name] = value
        for lang in langs:
            if lang == text_lang:
                continue
            write(f"translations/{lang}/{pid}.yaml", _translation_file(pid, lang, {
                name: (src, _prose(lang, seed, pid, name)) for name, src in originals.items()}))

    cite_rng = random.Random(f"{seed}:citations")
    for name in CHAPTERS:
        cited = [cite_rng.choice(ids) for _ in range(CITING.get(name, 0))]
        body = chapter_body(name, source, seed, cited)
        write(f"chapters/{source}/{name}.md", body)
        for lang in langs[1:]:
            write(f"chapters/{lang}/{name}.md",
                  f"---\nsource: {source_hash(body)}\n---\n" + chapter_body(name, lang, seed, cited))
    return Corpus(root, practices, tuple(langs), seed, files)
