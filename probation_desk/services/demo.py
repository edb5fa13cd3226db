"""A synthetic caseload for demos, screenshots and benchmarks (no real people).

Deterministic for a seed, whatever today's date: every date falls between 2020 and
the anchor date below, except the RAR appointments booked in the four weeks after the
day the demo is loaded (``today``), so "N booked" means something on the demo too.
Status history is recorded by the NSI's practitioner, as it was at the time. Records go
through the same import as a real export file, so every record meets the same rules.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from probation_desk.domain.catalogue import Catalogue
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import REGIONS
from probation_desk.services import import_format as fmt
from probation_desk.services.desk import Desk
from probation_desk.services.queries import my_identity
from probation_desk.services.transfer import ImportResult, import_records
from probation_desk.store.models import Person

T = TypeVar("T")
log = logging.getLogger("probation_desk.demo")
ANCHOR = dt.date(2026, 10, 30)
"""The latest date demo data uses."""

FIRST = ("Siân", "Dafydd", "Gwenllïan", "Llŷr", "Rhiannon", "Ieuan", "Ffion", "Gethin",
         "Zoë", "José", "Łukasz", "Aoife", "Chloé", "Mohammed", "Priya", "Olusegun",
         "Jack", "Amelia", "Oliver", "Grace", "Tomasz", "Nguyễn Văn", "Søren", "Kwame",
         "Aled", "Elin", "Bethan", "Rhys", "Ŵyn", "Ânia", "Ryan", "Leah", "Connor", "Maya")
"""First names the tests and benchmarks type; with :data:`MORE_FIRST` the demo's pool."""
MORE_FIRST = (
    "Harry", "George", "Noah", "Charlie", "Jacob", "Alfie", "Freddie", "Oscar", "Leo",
    "Archie", "Henry", "Joshua", "James", "William", "Thomas", "Daniel", "Samuel", "Max",
    "Lucas", "Isaac", "Ethan", "Adam", "Joseph", "Logan", "Dylan", "Liam", "Kai", "Callum",
    "Lewis", "Nathan", "Aaron", "Jamie", "Kieran", "Luke", "Owen", "Sean", "Scott", "Wayne",
    "Craig", "Darren", "Lee", "Mark", "Paul", "Stephen", "Gary", "Kevin", "Neil", "Carl",
    "Olivia", "Isla", "Ava", "Emily", "Isabella", "Mia", "Poppy", "Ella", "Lily", "Sophia",
    "Evie", "Jessica", "Ruby", "Scarlett", "Sophie", "Charlotte", "Freya", "Daisy", "Alice",
    "Hannah", "Lucy", "Megan", "Chelsea", "Jade", "Kayleigh", "Stacey", "Gemma", "Kirsty",
    "Lauren", "Rebecca", "Sarah", "Laura", "Emma", "Nicola", "Michelle", "Donna", "Tracey",
    "Carys", "Seren", "Megan", "Cerys", "Eleri", "Osian", "Iwan", "Gruffudd", "Tomos",
    "Cai", "Efa", "Lowri", "Alaw", "Hedd", "Emyr", "Dewi", "Meinir", "Owain", "Sioned",
    "Niamh", "Ciara", "Siobhan", "Sinéad", "Orla", "Pádraig", "Cian", "Oisín", "Eoin",
    "Ahmed", "Ali", "Omar", "Yusuf", "Ibrahim", "Hassan", "Bilal", "Hamza", "Aisha",
    "Fatima", "Zainab", "Maryam", "Amina", "Imran", "Tariq", "Asif", "Sana", "Nadia",
    "Arjun", "Rohan", "Vikram", "Sanjay", "Anil", "Deepa", "Anjali", "Kiran", "Ravi",
    "Sunita", "Harpreet", "Gurpreet", "Jaspreet", "Manpreet", "Rajesh", "Pooja", "Neha",
    "Chidi", "Emeka", "Ngozi", "Adaeze", "Tunde", "Femi", "Bola", "Kofi", "Ama", "Abena",
    "Yaw", "Kemi", "Segun", "Tendai", "Thandiwe", "Sipho", "Zanele", "Amara", "Ifeoma",
    "Piotr", "Krzysztof", "Agnieszka", "Katarzyna", "Małgorzata", "Paweł", "Michał",
    "Andrei", "Ioana", "Mihai", "Elena", "Bogdan", "Vasile", "Darius", "Ştefan", "Ana",
    "Marco", "Giulia", "Luca", "Chiara", "Francesca", "Matteo", "Sofía", "Lucía", "Javier",
    "Pedro", "João", "Inês", "François", "Amélie", "Björn", "Astrid", "Jürgen", "Anneliese",
    "Mehmet", "Ayşe", "Emre", "Zeynep", "Nikos", "Eleni", "Dimitris", "Yiannis", "Wei",
    "Mei", "Jun", "Hiroshi", "Yuki", "Minh", "Linh", "Thảo", "Duc", "Jin", "Hye-jin",
)
LAST = ("Llŷr", "ap Gwilym", "Jones", "Davies", "Evans", "Ó Súilleabháin", "O'Brien",
        "Rees-Ŵyn", "Nowak", "Okafor", "Patel", "Williams", "Thomas", "Roberts",
        "Hughes", "Müller", "García", "Ahmed", "Taylor", "Brown", "Wilson", "Kowalczyk",
        "Pryce", "Morgan", "Ŵatcyn", "Price-Ŷsgol", "Khan", "Clarke", "Walker", "Wright")
"""Surnames the tests and benchmarks type; the demo draws from :data:`SURNAMES`."""
_PLACE_STARTS = (
    "Ash", "Bar", "Bel", "Black", "Brad", "Bram", "Brook", "Bur", "Cal", "Cart", "Chad",
    "Chal", "Craw", "Dal", "Dun", "Ed", "Elm", "Fair", "Farn", "Fen", "Gold", "Grant",
    "Green", "Hal", "Ham", "Har", "Hart", "Hay", "Hol", "Horn", "Kings", "Kirk", "Lang",
    "Lath", "Lind", "Lock", "Marsh", "Mel", "Mid", "Mill", "New", "North", "Oak", "Old",
    "Pem", "Pen", "Pick", "Ray", "Red", "Ross", "Rut", "Sal", "Shel", "South", "Stan",
    "Stock", "Sut", "Tal", "Thorn", "Tre", "Wal", "Wat", "West", "Whit", "Win", "Wood",
    "Worth", "Yard")
_PLACE_ENDS = (
    "bury", "by", "combe", "cote", "croft", "dale", "den", "don", "field", "ford", "gate",
    "ham", "hill", "hurst", "ington", "land", "ley", "low", "man", "mere", "more", "ridge",
    "shaw", "stead", "stone", "ton", "well", "wick", "win", "wood", "worth", "ston")
_GAELIC = ("Donald", "Kenzie", "Leod", "Intyre", "Gregor", "Kay", "Farlane", "Lean",
           "Millan", "Neil", "Pherson", "Allister", "Cormack", "Dougall", "Ewan", "Innes")
_IRISH = ("Connor", "Neill", "Reilly", "Sullivan", "Donnell", "Hara", "Keefe", "Mahony",
          "Rourke", "Shea", "Dwyer", "Leary", "Callaghan", "Driscoll", "Flaherty", "Toole")
_ROOTS = ("Kowal", "Nowak", "Wiśniew", "Lewandow", "Zieliń", "Szyman", "Wojcik", "Kamiń",
          "Dąbrow", "Kozlow", "Jankow", "Mazur", "Krawczyk", "Piotrow", "Grabow", "Pawlow")
_WORLD = (
    "Adeyemi", "Okonkwo", "Mensah", "Boateng", "Asante", "Owusu", "Eze", "Nwosu", "Balogun",
    "Adebayo", "Oyelaran", "Chukwu", "Moyo", "Ndlovu", "Dlamini", "Mahlangu", "Singh",
    "Kaur", "Sharma", "Gupta", "Kumar", "Shah", "Mehta", "Chopra", "Malik", "Hussain",
    "Iqbal", "Akhtar", "Rahman", "Chowdhury", "Begum", "Uddin", "Aziz", "Qureshi", "Mirza",
    "Nguyễn", "Trần", "Lê", "Phạm", "Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang",
    "Kim", "Park", "Choi", "Tanaka", "Suzuki", "Sato", "Rossi", "Russo", "Ferrari", "Bianchi",
    "Romano", "Esposito", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "González",
    "Rodríguez", "Silva", "Santos", "Oliveira", "Pereira", "Costa", "Popescu", "Ionescu",
    "Dumitru", "Stan", "Gheorghe", "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Papadopoulos",
    "Georgiou", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Dubois", "Lefèvre", "Moreau", "Laurent", "Jansen", "de Vries", "van Dijk", "Andersson",
    "Johansson", "Hansen", "Nielsen", "Petrov", "Ivanov", "Horvat", "Novák", "Kovács")


def _surnames() -> tuple[str, ...]:
    """Several thousand distinct synthetic surnames, common ones first.

    Place-name compounds (Ashford, Thornley…), Mac/Mc and O' names, Polish -ski/-ska
    forms and names from around the world, after the hand-picked :data:`LAST`: a spread
    like a real caseload's, so a search benchmark is not flattered by a few names.
    """
    out = list(LAST)
    out += [a + b for b in _PLACE_ENDS for a in _PLACE_STARTS]
    out += [p + g for g in _GAELIC for p in ("Mac", "Mc")]
    out += ["O'" + i for i in _IRISH]
    out += [r + s for r in _ROOTS for s in ("ski", "ska")]
    out += list(_WORLD)
    return tuple(dict.fromkeys(out))  # distinct, in order


SURNAMES = _surnames()


def _zipf_table(n: int, head: float) -> list[float]:
    """Cumulative weights for ranks 0..n-1, falling off like real name frequencies."""
    total, out = 0.0, []
    for rank in range(n):
        total += 1.0 / (rank + head)
        out.append(total)
    return [w / total for w in out]


_SURNAME_CUM = _zipf_table(len(SURNAMES), 20.0)
_FIRST_POOL = tuple(dict.fromkeys(FIRST + MORE_FIRST))
_FIRST_CUM = _zipf_table(len(_FIRST_POOL), 10.0)


def _name(rng: random.Random) -> str:
    """A synthetic full name: two draws, as before, from Zipf-like pools."""
    first = _FIRST_POOL[min(bisect.bisect(_FIRST_CUM, rng.random()), len(_FIRST_POOL) - 1)]
    u = rng.random()
    last = SURNAMES[min(bisect.bisect(_SURNAME_CUM, u), len(SURNAMES) - 1)]
    if int(u * 1e9) % 40 == 0:  # a few double-barrelled names, from the same draw
        last += "-" + SURNAMES[int(u * 1e7) % len(SURNAMES)]
    return f"{first} {last}"


PDUS: dict[str, tuple[str, ...]] = {
    "North East": ("Newcastle", "Durham", "Teesside"),
    "North West": ("Cumbria", "Lancashire North", "Merseyside"),
    "Yorkshire and the Humber": ("Leeds", "Sheffield", "Hull"),
    "Wales": ("Cardiff and Vale", "Swansea", "North Wales", "Gwent"),
    "West Midlands": ("Birmingham Central", "Coventry", "Staffordshire"),
    "East Midlands": ("Nottingham", "Leicester", "Derby"),
    "South West": ("Bristol", "Devon", "Cornwall"),
    "South Central": ("Oxford", "Hampshire", "Thames Valley"),
    "East of England": ("Norfolk", "Essex", "Cambridgeshire"),
    "London": ("Camden and Islington", "Hackney", "Croydon", "Lambeth"),
    "Kent, Surrey and Sussex": ("Kent", "Surrey", "Brighton and Hove"),
    "Greater Manchester": ("Manchester North", "Salford", "Bolton"),
}
PP_FIRST = ("Alex", "Sam", "Jo", "Chris", "Morgan", "Robin", "Nia", "Cerys", "Hari", "Kim")
PP_LAST = ("Bevan", "Ellis", "Lloyd", "Powell", "Reid", "Sharma", "Turner", "Vaughan")
CRN_LETTERS = "ABCDEFGHJKLMNPRSTVWXY"
NOTES = ("Good engagement this week.", "Discussed barriers to attending: childcare & travel.",
         "Worked on session 2 <goals> together.", "Rearranged: unwell.",
         "Completed exercise on what matters most.", None, None)
SUPPORT = ("PP", "OTHER_PP", "FACILITATOR", "PEER_MENTOR")
SI_NAMES = {"ATB": "Stepwise Problem Solving", "DOMESTIC_ABUSE": "Stepwise Relationships",
            "EMOTIONAL_MANAGEMENT": "Stepwise Emotions"}


_ALL_PDUS = sorted(p for pdus in PDUS.values() for p in pdus)


def _practitioners(pdu: str) -> tuple[str, str, str]:
    """Three synthetic practitioners per PDU, the same every run."""
    i = _ALL_PDUS.index(pdu)
    return tuple(  # type: ignore[return-value]
        f"{PP_FIRST[(i * 3 + j) % len(PP_FIRST)]} {PP_LAST[(i * 5 + j * 3) % len(PP_LAST)]}"
        for j in range(3))


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    if end <= start:
        return start
    return dt.date.fromordinal(start.toordinal()
                               + int(rng.random() * ((end - start).days + 1)))


def _randint(rng: random.Random, low: int, high: int) -> int:
    """rng.randint, faster."""
    return low + int(rng.random() * (high - low + 1))


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    """rng.choice, about three times faster (uniform enough for demo data)."""
    return seq[int(rng.random() * len(seq))]


BOOKED_SHARE = 0.4
"""The share of people whose order runs on past ``today`` with RAR appointments booked."""


def demo_records(cases: int, seed: int, catalogue: Catalogue,
                 today: dt.date | None = None, *, mine: str | None = None,
                 mine_region: str = "") -> Iterator[tuple[int, fmt.Record]]:
    """Yield (line number, record) pairs for a synthetic caseload, as format records.

    With ``today``, some people with an order running on have one to three RAR
    appointments booked in the four weeks after it (no outcome yet). Those come from
    their own random stream, so every other record is the same with or without them.
    With ``mine``, the last :data:`MINE` people (of ``mine_region``, if given) are managed
    by that practitioner (the person loading the demo), so their own caseload is not
    empty; everything else is as without it.
    """
    rng = random.Random(seed)
    book = random.Random(seed * 7919 + 1)
    approved = [k.code for k in catalogue.toolkits if k.withdrawn_from is None]
    chemsex = next((k for k in catalogue.toolkits if k.code == "CHEMSEX"), None)
    line = 0
    people: list[fmt.Person] = []
    orders: list[fmt.Order] = []
    nsis: list[fmt.Nsi] = []
    sessions: list[fmt.ModuleSession] = []
    acts: list[fmt.Contact] = []
    refs: list[fmt.SiReferral] = []
    groups: tuple[list[Any], ...] = (people, orders, nsis, sessions, acts, refs)
    # Emit in chunks of people so memory stays flat for large caseloads.
    chunk = 2000
    History = fmt.HistoryEntry
    day7, day63 = dt.timedelta(days=7), dt.timedelta(days=63)
    midnight = dt.time()
    ten, day28 = dt.time(10, 0), dt.timedelta(days=28)

    def drain() -> Iterator[tuple[int, fmt.Record]]:
        nonlocal line
        for group in groups:
            for rec in group:
                line += 1
                yield line, rec
            group.clear()

    ours = frozenset(_mine_indices(cases, mine_region)) if mine is not None else frozenset()
    for i in range(cases):
        serial = ((i // len(CRN_LETTERS)) * 7 + seed) % 1_000_000
        crn = f"{CRN_LETTERS[i % len(CRN_LETTERS)]}{serial:06d}"
        region = REGIONS[i % len(REGIONS)]
        pdu = _pick(rng, PDUS[region])
        pp = _practitioners(pdu)[rng.randrange(3)]
        if i in ours:
            pp = mine or pp
        welsh = region == "Wales" and rng.random() < 0.3
        people.append(fmt.Person(
            crn=crn, name=_name(rng),
            date_of_birth=_day(rng, dt.date(1960, 1, 1), dt.date(2004, 12, 31)),
            region=region, pdu=pdu, practitioner=pp,  # type: ignore[arg-type]
            language="WELSH" if welsh else "ENGLISH",
            print_needs="LARGE" if rng.random() < 0.1 else "STANDARD"))
        o_start = _day(rng, dt.date(2020, 6, 1), dt.date(2025, 12, 31))
        o_end = o_start + dt.timedelta(days=_pick(rng, (365, 547, 730)))
        rar_max = _pick(rng, (10, 15, 20, 25, 30, 40))
        oref = f"{crn}/O1"
        orders.append(fmt.Order(ref=oref, crn=crn, kind=_pick(rng, (
            "COMMUNITY_ORDER", "SUSPENDED_SENTENCE")), start_date=o_start, end_date=o_end,
            rar_max_days=rar_max))
        if rng.random() < 0.3:
            l_start = _day(rng, dt.date(2020, 1, 1), dt.date(2025, 6, 30))
            orders.append(fmt.Order(ref=f"{crn}/O2", crn=crn, kind="LICENCE",
                                    start_date=l_start,
                                    end_date=l_start + dt.timedelta(days=730)))
        window_end = min(o_end, ANCHOR)
        n_nsi = _randint(rng, 7, 13)
        open_kits: set[str] = set()
        k = 0
        # An in-flight Chemsex NSI referred before the withdrawal: history as nDelius
        # held it, left open for the sweep.
        if chemsex is not None and chemsex.withdrawn_from and rng.random() < 0.03:
            ref_date = _day(rng, dt.date(2022, 1, 10), chemsex.withdrawn_from
                            - dt.timedelta(days=1))
            started = rng.random() < 0.6
            k += 1
            notes = _pick(rng, NOTES)
            hist = [History(status="REFERRED", date=ref_date, by=pp)]
            st = None
            if started:
                st = ref_date + dt.timedelta(days=_randint(rng, 1, 20))
                hist.append(History(status="IN_PROGRESS", date=st, by=pp))
            nsis.append(fmt.Nsi(ref=f"{crn}/N{k}", crn=crn, toolkit="CHEMSEX",
                                status="IN_PROGRESS" if started else "REFERRED",
                                referral_date=ref_date, actual_start=st, notes=notes,
                                practitioner=pp, history=hist))
            open_kits.add("CHEMSEX")
        for _ in range(n_nsi):
            kit = _pick(rng, approved)
            ref_date = _day(rng, o_start, window_end)
            roll = rng.random()
            k += 1
            notes = _pick(rng, NOTES)
            hist = [History(status="REFERRED", date=ref_date, by=pp)]
            start = min(ref_date + dt.timedelta(days=_randint(rng, 0, 14)), ANCHOR)
            end = min(start + dt.timedelta(days=_randint(rng, 14, 90)), ANCHOR)
            actual_start = actual_end = outcome = None
            if roll < 0.08 and kit not in open_kits:
                status = "REFERRED"
                open_kits.add(kit)
            elif roll < 0.18 and kit not in open_kits:
                status = "IN_PROGRESS"
                actual_start = start
                hist.append(History(status="IN_PROGRESS", date=start, by=pp))
                open_kits.add(kit)
            else:
                done = roll < 0.75
                status = "COMPLETED" if done else "ENDED"
                outcome = "COMPLETED" if done else _pick(rng,
                    ("NOT_COMPLETED", "NOT_SUITABLE", "ORDER_ENDED"))
                actual_start, actual_end = start, end
                hist.append(History(status="IN_PROGRESS", date=start, by=pp))
                hist.append(History(status=status, date=end,  # type: ignore[arg-type]
                                    by=pp))
            nsis.append(fmt.Nsi(
                ref=f"{crn}/N{k}", crn=crn, order=oref, toolkit=kit,
                status=status, referral_date=ref_date,  # type: ignore[arg-type]
                expected_start=ref_date + day7, expected_end=ref_date + day63,
                actual_start=actual_start, actual_end=actual_end,
                outcome=outcome, notes=notes, practitioner=pp,  # type: ignore[arg-type]
                history=hist))
        # Pre-Intervention Module sessions, some completed and revisited.
        m_roll = rng.random()
        completed_on = None
        s_no = 0
        if m_roll < 0.55:
            first = _day(rng, max(o_start, dt.date(2022, 6, 6)), window_end)
            n_sessions = _randint(rng, 1, 3)
            day = first
            for j in range(n_sessions):
                done = m_roll < 0.4 and j == n_sessions - 1
                s_no += 1
                role = _pick(rng, SUPPORT)
                supporter = (pp if rng.random() < 0.6 else
                             f"{_pick(rng, PP_FIRST)} {_pick(rng, PP_LAST)}")
                sessions.append(fmt.ModuleSession(
                    ref=f"{crn}/S{s_no}", crn=crn, date=day,
                    supporter_role=role, supporter_name=supporter,  # type: ignore[arg-type]
                    completed=done, notes=_pick(rng, NOTES)))
                if done:
                    completed_on = day
                day = min(day + day7, ANCHOR)
            if completed_on is not None and rng.random() < 0.3:
                for _ in range(_randint(rng, 1, 2)):
                    day = min(day + dt.timedelta(days=_randint(rng, 14, 60)), ANCHOR)
                    s_no += 1
                    sessions.append(fmt.ModuleSession(
                        ref=f"{crn}/S{s_no}", crn=crn, date=day, supporter_role="PP",
                        supporter_name=pp, completed=rng.random() < 0.5,
                        notes="Revisited the module."))
        # RAR activity on the order: past contacts, attended or an acceptable absence.
        for a_no in range(1, _randint(rng, 2, 8) + 1):
            on = _day(rng, o_start, window_end)
            rar_flag = rng.random() < 0.85
            attended = rng.random() < 0.9
            acts.append(fmt.Contact(
                ref=f"{crn}/C{a_no}", crn=crn, order=oref, contact_type="OTHER",
                at=dt.datetime.combine(on, midnight), rar_activity=rar_flag,
                notes="Supervision session",
                outcome="ATTENDED_COMPLIED" if attended else "ACCEPTABLE_ABSENCE",
                absence_reason=None if attended else "OTHER"))
        if today is not None and o_end > today + day28 and book.random() < BOOKED_SHARE:
            # Booked RAR appointments ahead: distinct days in the next four weeks.
            days = sorted({_randint(book, 1, 28) for _ in range(_randint(book, 1, 3))})
            for b_no, ahead in enumerate(days, start=a_no + 1):
                acts.append(fmt.Contact(
                    ref=f"{crn}/C{b_no}", crn=crn, order=oref, contact_type="OFFICE_VISIT",
                    at=dt.datetime.combine(today + dt.timedelta(days=ahead), ten),
                    rar_activity=True, notes="RAR session booked"))
        if rng.random() < 0.2:
            area = _pick(rng, tuple(SI_NAMES))
            r_date = _day(rng, o_start, window_end)
            start_si = None
            if completed_on is not None and rng.random() < 0.6:
                start_si = max(completed_on, r_date)
                start_si = min(start_si + dt.timedelta(days=_randint(rng, 0, 30)), ANCHOR)
                if start_si < completed_on:
                    start_si = None
            refs.append(fmt.SiReferral(ref=f"{crn}/R1", crn=crn,
                                       need_area=area,  # type: ignore[arg-type]
                                       name=SI_NAMES[area], referral_date=r_date,
                                       start_date=start_si))
        if len(people) >= chunk:
            yield from drain()
    yield from drain()


def log_path() -> str | None:
    """The log file the app writes to (None when logging goes nowhere)."""
    for handler in logging.getLogger("probation_desk").handlers:
        name = getattr(handler, "baseFilename", None)
        if name:
            return str(name)
    return None


MINE = 5
"""How many demo people are put on the loader's own caseload (``load_demo(mine=True)``)."""


def _mine_indices(cases: int, region: str = "") -> list[int]:
    """Which demo people go on the loader's own caseload: the last few (in their region)."""
    found = [i for i in range(cases) if not region or REGIONS[i % len(REGIONS)] == region]
    return found[-MINE:]


def mine_count(cases: int, region: str = "") -> int:
    """How many of ``cases`` demo people ``load_demo(mine=True)`` puts on one's own caseload."""
    return len(_mine_indices(cases, region if region in REGIONS else ""))


def load_demo(desk: Desk, cases: int, seed: int = 1,
              progress: Callable[[int], bool] | None = None, *,
              mine: bool = False, region: str = "") -> ImportResult:
    """Generate a synthetic caseload and import it through the normal import rules.

    Refused (nothing added) unless the database is empty: demo records added to a real
    caseload would sit among real people, and a second load re-adds records and reopens
    NSIs that were closed. Every refused demo record is logged with its line and rule
    (no names, CRNs or notes), so a message that points to the log finds the reason there.
    ``mine``: put a handful of the people (:func:`mine_count`) on the loader's own caseload,
    in their ``region`` when it is one of the regions.
    """
    with Session(desk.engine) as s:
        people = s.scalar(select(func.count()).select_from(Person)) or 0
    if people:
        raise RuleViolation(
            "demo-needs-empty-database",
            f"Demo data goes only into an empty database, and this one already holds "
            f"{people:,} {'person' if people == 1 else 'people'}, so nothing was added. To "
            "try the demo, open a new database file (File > Settings in the window, or "
            "--db NEW-FILE on the command line).")
    me = my_identity(desk) if mine else None
    result = import_records(desk, demo_records(cases, seed, desk.catalogue, desk.today,
                                               mine=me,
                                               mine_region=region if region in REGIONS else ""),
                            source="demo",
                            progress=progress)
    for r in result.refused:
        log.warning("demo record on line %d refused by the rule %s", r.line, r.rule)
    if result.stopped:
        log.warning("demo load stopped after %d records", result.accepted)
    return result
