"""Chemical identity from a reference: a question's chemical names, formulas, acronyms and CAS numbers resolved
to CAS numbers with the `chemicals` library (offline, PubChem synonyms), never by spelling alone.

A control list names a chemical one way ("Phosphorus trichloride (7719-12-2)"); officers write it many others:
"phosphorous tri-chloride", "PCl3", "hydrofluoric acid 49 %" (hydrogen fluoride in water), "TDG". The lists'
CAS numbers decide, so every name is first resolved to a CAS number:

1. a CAS number is checked (check digit) and looked up;
2. a formula ("PCl3", "SOCl2") is looked up as a formula, only when it reads as one (see `is_formula`); an
   organic formula ("C6H15NO") is a question back listing the library's isomers, since isomers share it and
   the library holds only the common ones (`ORGANIC_CARBONS`);
3. an acronym is read only through corpus/chemicals.yaml: the library maps an acronym to one meaning without
   saying there are others ("MDEA" -> an amphetamine, not the listed N-methyldiethanolamine), so an acronym
   with several meanings is a question back (`Identity.choices`), never a guess;
4. a name is looked up as written and in its usual spelling variants (hyphens inside words, "sulph"); a name
   the library gives to several chemicals ("ethyl phosphite": fosetyl and triethyl phosphite) is a question
   back listing them, and an anion ("nitrate", "cyanide") names a class of salts, not one chemical;
5. a misspelling the library does not know is matched against the listed chemicals' names and the library's
   synonyms of them (`match_listed`): the same chemistry morphemes in the same order, and at most one letter
   edit per `LETTERS_PER_EDIT` letters, with a single CAS at the smallest distance. "thiodiglicol" is
   thiodiglycol; "triethyl phosphate" is never triethyl phosphite (another morpheme: -ate, -ite).

A name none of these resolves stays unresolved (`Identity.cas == ""`): a question back, never a clearance.
"""

from __future__ import annotations

import functools
import logging
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from assistant.core.codes import CAS_NUMBER
from assistant.core.errors import IngestError
from assistant.core.types import Identity

log = logging.getLogger(__name__)

CHEMICALS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "chemicals.yaml"

LETTERS_PER_EDIT = 10
"""One letter edit (a letter dropped, added, changed, or two swapped) is allowed per ten letters of a folded
name, at least one: "thiodiglcol" (11 letters, one dropped) is thiodiglycol, while two edits in a short name
("methanol" / "ethanal") are another chemical. Ten was chosen from typing slips in trade documents, which are
one per word; the morpheme rule below, not the distance, keeps near chemicals apart."""

_MORPHEMES = re.compile(
    r"meth|eth|prop|but|pent|hex|hept|oct|mono|tetra|penta|di|tri|iso|cyclo|chlor|fluor|brom|iod|"
    r"fosf|sulf|nitr|amin|amid|cian|hidr|ox|thi|carb|ars|(?:ate|ite|ide|ane|ene|ine|ol|al|one|ic|us)(?![a-z])|\d+"
)
"""Pieces of a name that say which chemical it is (chain lengths, multipliers, halogens, locants, and the
word endings -ate/-ite, -ane/-ene, -ol/-al, -ic/-ous), in the folded spelling of `fold`: two names with
different pieces are different chemicals however close their letters ("dimethyl" / "diethyl", "phosphate" /
"phosphite")."""

_CAS = re.compile(rf"^{CAS_NUMBER}$")
_FORMULA = re.compile(r"^(?:[A-Z][a-z]?\d*|\((?:[A-Z][a-z]?\d*)+\)\d*)+$")
_ELEMENT_PAIR = re.compile(r"[A-Z][a-z]?")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
_HYPHEN_IN_WORD = re.compile(r"(?<=[a-z])-(?=[a-z])")
_GRADE_WORDS = frozenset("anhydrous aqueous technical reagent grade pure purified liquid solution glacial".split())
"""Words of a chemical's grade or state, not of its name: "anhydrous hydrogen fluoride" is hydrogen fluoride."""


@dataclass(frozen=True)
class Meaning:
    """One chemical an acronym stands for."""

    name: str
    cas: str


@dataclass(frozen=True)
class Acronym:
    """A row of corpus/chemicals.yaml: an acronym, its meanings and where they come from."""

    acronym: str
    meanings: tuple[Meaning, ...]
    source: str


def check_cas(cas: str) -> bool:
    """A CAS number with a right check digit (the library's check).

    >>> check_cas("7719-12-2"), check_cas("7719-12-3")
    (True, False)
    """
    from chemicals.identifiers import check_CAS

    return bool(_CAS.match(cas)) and bool(check_CAS(cas))


def fold(name: str) -> str:
    """A chemical name folded over spelling, never over chemistry: case, hyphens and commas, ph/f, y/i, ae/e,
    sulph/sulf, doubled letters and "-ous"/"-us" fold ("thiodyglycol" = "thiodiglycol", "phosphorous" =
    "phosphorus"), while suffixes that name another compound stay apart ("phosphate" is not "phosphite").

    >>> fold("Thiodyglycol") == fold("thiodiglycol")
    True
    >>> fold("triethyl phosphate") == fold("triethyl phosphite")
    False
    >>> fold("Phosphorous tri-chloride") == fold("phosphorus trichloride")
    True
    """
    text = " ".join(name.lower().replace("β", "beta").replace(",", " ").split())
    text = _HYPHEN_IN_WORD.sub("", text).replace("-", " ")
    for old, new in (("ph", "f"), ("y", "i"), ("ae", "e"), ("oe", "e"), ("ous ", "us "), ("sulf", "sulf")):
        text = (text + " ").replace(old, new).strip()
    return re.sub(r"([a-z])\1", r"\1", text)


def morphemes(name: str) -> tuple[str, ...]:
    """The pieces of a name that say which chemical it is (see `_MORPHEMES`), in order.

    >>> morphemes("dimethyl phosphite") == morphemes("diethyl phosphite")
    False
    >>> morphemes("thiodiglcol") == morphemes("thiodiglycol")
    True
    """
    return tuple(_MORPHEMES.findall(fold(name)))


def edits(a: str, b: str) -> int:
    """Letter edits from `a` to `b`: insertions, deletions, substitutions and swaps of neighbours
    (optimal string alignment distance).

    >>> edits("thiodiglcol", "thiodiglicol"), edits("ab", "ba"), edits("phosfate", "phosfite")
    (1, 1, 1)
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(name: str) -> int:
    """Letter edits a misspelling of a name of this length may have (see `LETTERS_PER_EDIT`).

    >>> allowed_edits("thiodiglycol"), allowed_edits("dimethyl methylphosphonate")
    (1, 2)
    """
    return max(1, len(name.replace(" ", "")) // LETTERS_PER_EDIT)


def is_formula(token: str, chemical_context: bool = False) -> bool:
    """A token that reads as a molecular formula: element symbols with counts ("PCl3", "SOCl2", "NaF").

    Two element symbols at least ("B10" is a part number). Capitals and digits alone ("HF", "CS2", "CNC") read
    as a formula only where the question speaks of a chemical (`chemical_context`): otherwise "HF" is high
    frequency and "CS2" a model name; a two-letter symbol ("Cl", "Na") says it is chemistry.

    >>> is_formula("PCl3"), is_formula("SOCl2"), is_formula("HF"), is_formula("HF", True), is_formula("B10")
    (True, True, False, True, False)
    """
    symbols = _ELEMENT_PAIR.findall(token)
    if not _FORMULA.match(token) or len(symbols) < 2:
        return False
    from chemicals.elements import periodic_table

    if not all(symbol in periodic_table for symbol in symbols):
        return False
    return chemical_context or bool(re.search(r"[a-z]", token))


# --- the acronym table --------------------------------------------------------------------------------------


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _acronym_row(path: Path, index: int, row: Any) -> Acronym:
    where = f"row {index}"
    if not isinstance(row, dict) or set(row) != {"acronym", "meanings", "source"}:
        raise _fail(path, where, "each row must be a mapping with exactly acronym, meanings, source")
    acronym = row["acronym"]
    if not isinstance(acronym, str) or not _ACRONYM.match(acronym):
        raise _fail(path, where, f"acronym must be 2 to 6 capital letters, got {acronym!r}")
    where = f"row {index} ({acronym})"
    meanings = row["meanings"]
    if not isinstance(meanings, list) or not meanings:
        raise _fail(path, where, "meanings must be a non-empty list of {name, cas}")
    read: list[Meaning] = []
    for meaning in meanings:
        if not isinstance(meaning, dict) or set(meaning) != {"name", "cas"}:
            raise _fail(path, where, f"each meaning must be a mapping with name and cas, got {meaning!r}")
        name, cas = meaning["name"], str(meaning["cas"])
        if not isinstance(name, str) or not name.strip():
            raise _fail(path, where, "a meaning's name must be a non-empty string")
        if not check_cas(cas):
            raise _fail(path, where, f"{name}: {cas!r} is not a valid CAS number (format or check digit)")
        read.append(Meaning(name.strip(), cas))
    if len({m.cas for m in read}) != len(read):
        raise _fail(path, where, "a CAS number is repeated among the meanings")
    source = row["source"]
    if not isinstance(source, str) or not source.strip():
        raise _fail(path, where, "source must say where the meanings come from")
    return Acronym(acronym, tuple(read), source.strip())


def load_acronyms(path: Path = CHEMICALS_PATH) -> dict[str, Acronym]:
    """The acronym table, validated row by row; an error names the file and the row."""
    try:
        rows = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the chemical acronym table: {err}") from err
    if not isinstance(rows, list) or not rows:
        raise IngestError(path, "the chemical acronym table must be a non-empty list of rows")
    table: dict[str, Acronym] = {}
    for index, row in enumerate(rows, 1):
        acronym = _acronym_row(path, index, row)
        if acronym.acronym in table:
            raise _fail(path, f"row {index} ({acronym.acronym})", "the acronym is already a row above")
        table[acronym.acronym] = acronym
    return table


@functools.cache
def acronyms() -> dict[str, Acronym]:
    """The project's acronym table, read once."""
    return load_acronyms()


def is_acronym(token: str) -> bool:
    """A chemical acronym the table knows.

    >>> is_acronym("MDEA"), is_acronym("CNC")
    (True, False)
    """
    return token in acronyms()


# --- resolving ----------------------------------------------------------------------------------------------


def _lookup(text: str) -> Any | None:
    """The library's record of `text` (a name, formula or CAS number), or None when it knows none."""
    from chemicals.identifiers import search_chemical

    try:
        return search_chemical(text)
    except ValueError:
        return None


def _variants(name: str) -> list[str]:
    """Spellings of a name worth asking the library for: as written, without hyphens inside words
    ("tri-chloride"), without grade words ("anhydrous"), sulph -> sulf, aluminium -> aluminum, and the reverse
    of a translated "X of Y"
    ("chloride of thionyl" -> "thionyl chloride").

    >>> _variants("Phosphorous tri-chloride")
    ['Phosphorous tri-chloride', 'phosphorous tri-chloride', 'phosphorous trichloride']
    """
    lower = " ".join(name.lower().split())
    found = [name, lower, _HYPHEN_IN_WORD.sub("", lower)]
    found.append(" ".join(w for w in found[-1].split() if w not in _GRADE_WORDS))
    found += [v.replace("sulph", "sulf").replace("aluminium", "aluminum") for v in found]
    if m := re.fullmatch(r"(?P<a>[a-z]+) of (?P<b>[a-z -]+)", found[-1]):
        found.append(f"{m['b']} {m['a']}")
    return list(dict.fromkeys(found))


MAX_CHOICES = 4
"""Isomers named when a formula is asked about: enough for the officer to recognise the one meant (every
isomer is kept in `Identity.choices` for the comparison with the lists; only this many are shown)."""
ORGANIC_CARBONS = 2
"""Carbon atoms from which a formula names no single chemical: with two carbons isomers begin (C2H6O is
ethanol and dimethyl ether; C2H8N2 is UDMH and ethylenediamine), and the library holds only the common
ones, so one isomer there is no proof that the goods are that one."""
_HILL = re.compile(r"([A-Z][a-z]?)(\d*)")


def carbons(formula: str) -> int:
    """Carbon atoms of a formula in Hill order (the library's).

    >>> carbons("C6H15NO"), carbons("Cl3P"), carbons("CHN")
    (6, 0, 1)
    """
    return sum(int(n or 1) for symbol, n in _HILL.findall(formula) if symbol == "C")


@functools.cache
def _formulas() -> dict[str, list[tuple[str, str]]]:
    """Every formula of the library's database with the (name, CAS) of each chemical that has it."""
    from chemicals.identifiers import pubchem_db

    if not pubchem_db.loaded_main_db:
        # The whole database, not the common chemicals loaded first: a name or CAS number the first part
        # misses loads it anyway, and an index built before that would miss isomers.
        pubchem_db.autoload_main_db()
    found: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for record in pubchem_db.CAS_index.values():
        found[record.formula].append((str(record.common_name or record.iupac_name), str(record.CASs)))
    return found


def _isomers(formula: str) -> list[tuple[str, str]]:
    """The chemicals of the library's database that share `formula` (in its Hill order): one means the formula
    names it there. The database holds the common chemicals, not every isomer that exists.

    >>> len(_isomers("Cl3P")), len(_isomers("C6H15NO")) > 1
    (1, True)
    """
    return _formulas().get(formula, [])


def _identity(written: str, record: Any, how: str) -> Identity:
    return Identity(written=written, name=str(record.common_name or record.iupac_name), cas=str(record.CASs), how=how)


def library_name(text: str) -> Any | None:
    """The library's record of `text` when it is one of the library's names exactly (case aside), else None:
    no spelling variants, no formulas, for finding whole names inside a question ("2-(diethylamino)ethanol",
    "phosphonic acid, ethyl-, dimethyl ester", a trade name such as "evercyn")."""
    from chemicals.identifiers import pubchem_db

    _formulas()  # loads the database
    return pubchem_db.search_name(text.lower()) or None


@functools.cache
def _shared_names() -> dict[str, tuple[tuple[str, str], ...]]:
    """Names the library gives to more than one chemical and as the main name (common or IUPAC) to none or to
    several (a synonym of an ester and of its salt, a trade name of two products), with the (name, CAS) of
    each: such a name identifies none of them. A main name of one chemical is that chemical ("methanol" is
    also a synonym of methoxide)."""
    from chemicals.identifiers import pubchem_db

    _formulas()
    found: dict[str, dict[str, str]] = defaultdict(dict)
    main: dict[str, set[str]] = defaultdict(set)
    for record in pubchem_db.CAS_index.values():
        shown, cas = str(record.common_name or record.iupac_name), str(record.CASs)
        for name in {record.common_name, record.iupac_name} - {None, ""}:
            main[name.lower()].add(cas)
        for name in {*record.synonyms, record.common_name, record.iupac_name} - {None, ""}:
            found[name.lower()][cas] = shown
    return {
        name: tuple((n, c) for c, n in by.items())
        for name, by in found.items()
        if len(by) > 1 and len(main.get(name, ())) != 1
    }


def is_anion(record: Any) -> bool:
    """A record of an anion ("nitrate" NO3-, "cyanide" CN-): the name of a class of salts, not of one chemical.

    >>> is_anion(_lookup("nitrate")), is_anion(_lookup("sodium nitrate")), is_anion(_lookup("diethyl phosphite"))
    (True, False, False)
    """
    return "-" in str(record.formula)


@functools.lru_cache(maxsize=4096)
def resolve(written: str, chemical_context: bool = True) -> Identity:
    """What a chemical named in a question is, by the library; `Identity.cas` is "" when nothing resolves it
    with certainty (see the module docstring for the order of the rules).

    >>> resolve("phosphorous tri-chloride").cas, resolve("PCl3").how, resolve("MDEA").choices[0]
    ('7719-12-2', 'formula', 'N-methyldiethanolamine (105-59-9)')
    >>> resolve("C2H8N2").certain, "57-14-7" in " ".join(resolve("C2H8N2").choices), resolve("nitrate").certain
    (False, True, False)
    """
    token = written.strip()
    if _CAS.match(token):
        record = _lookup(token) if check_cas(token) else None
        return _identity(token, record, "CAS") if record else Identity(token)
    if token in acronyms():
        meanings = acronyms()[token].meanings
        if len(meanings) == 1:
            return Identity(token, meanings[0].name, meanings[0].cas, "acronym")
        return Identity(token, how="acronym", choices=tuple(f"{m.name} ({m.cas})" for m in meanings))
    if is_formula(token, chemical_context):
        from chemicals.elements import serialize_formula

        record = _lookup(token)
        if record is not None and serialize_formula(token) == record.formula:
            isomers = _isomers(record.formula)
            if len(isomers) > 1 or carbons(record.formula) >= ORGANIC_CARBONS:
                # A formula several chemicals share names none of them: the officer says which.
                return Identity(token, how="formula", choices=tuple(f"{n} ({c})" for n, c in isomers))
            return _identity(token, record, "formula")
        return Identity(token)
    if _ACRONYM.match(token):
        return Identity(token)  # an acronym the table does not know: the library's one meaning is a guess
    for variant in _variants(token):
        record = _lookup(variant)
        if shared := _shared_names().get(variant.lower()):
            # The library's own pick first: where none of the meanings is listed it stands (`settled`).
            picked = sorted(shared, key=lambda meaning: record is None or meaning[1] != str(record.CASs))
            return Identity(token, how="name", choices=tuple(f"{n} ({c})" for n, c in picked))
        if record is not None:
            return Identity(token) if is_anion(record) else _identity(token, record, "name")
    return Identity(token)


# --- misspellings of listed chemicals -----------------------------------------------------------------------


@dataclass(frozen=True)
class ListedNames:
    """The listed chemicals' names and the library's synonyms of them, by morphemes, for `match_listed`."""

    by_morphemes: dict[tuple[str, ...], list[tuple[str, str, str]]]
    """morphemes -> (folded name, CAS, listed name)."""
    cas: frozenset[str] = frozenset()
    """Every listed CAS number: the meanings of an ambiguous name that are listed are shown first."""


def listed_names(listed: Mapping[str, Iterable[str]]) -> ListedNames:
    """Index the listed chemicals (CAS -> the lists' names) with the library's synonyms of each CAS."""
    index: dict[tuple[str, ...], list[tuple[str, str, str]]] = defaultdict(list)
    for cas, names in listed.items():
        names = list(names)
        record = _lookup(cas) if check_cas(cas) else None
        synonyms = [s for s in (record.synonyms if record else []) if s and len(s) <= 80]
        shown = names[0] if names else (record.common_name if record else cas)
        for name in dict.fromkeys([*names, *synonyms]):
            folded = fold(name)
            index[morphemes(folded)].append((folded, cas, shown))
    return ListedNames(dict(index), frozenset(listed))


def match_listed(written: str, listed: ListedNames) -> Identity:
    """A name the library does not know, read as a listed chemical when it is a misspelling of one: the same
    morphemes in the same order, within `allowed_edits` letter edits, and one CAS number at the smallest
    distance; else unresolved.

    >>> names = listed_names({"111-48-8": ["Thiodiglycol"], "122-52-1": ["Triethyl phosphite"]})
    >>> match_listed("thiodiglcol", names).cas, match_listed("triethyl phosphate", names).cas
    ('111-48-8', '')
    """
    folded = fold(written)
    best: dict[int, set[tuple[str, str]]] = defaultdict(set)
    for name, cas, shown in listed.by_morphemes.get(morphemes(folded), []):
        distance = edits(folded, name)
        if distance <= allowed_edits(name):
            best[distance].add((cas, shown))
    if not best:
        return Identity(written)
    closest = best[min(best)]
    if len({cas for cas, _ in closest}) != 1:
        return Identity(written)  # two listed chemicals as near: which one is a question
    cas, shown = next(iter(closest))
    return Identity(written, shown, cas, "spelling")


def listed_first(identity: Identity, listed: ListedNames) -> Identity:
    """An ambiguous name's meanings with the listed ones first, so that the answer and the search name them;
    a name (not an acronym or a formula) none of whose meanings is listed is the library's pick, the first:
    whichever it is, no list names it ("methanol" is also the hydroxymethyl radical's name).

    >>> listed_first(Identity("X", choices=("a (1-1-1)", "b (50-00-0)")), ListedNames({}, frozenset({"50-00-0"}))).choices
    ('b (50-00-0)', 'a (1-1-1)')
    >>> listed_first(Identity("X", how="name", choices=("a (50-00-0)", "b (1-1-1)")), ListedNames({})).cas
    '50-00-0'
    """
    cas = [c.rsplit("(", 1)[-1].rstrip(")") for c in identity.choices]
    if identity.how == "name" and not set(cas) & listed.cas:
        return replace(identity, name=identity.choices[0].rsplit(" (", 1)[0], cas=cas[0], choices=())
    ranked = sorted(identity.choices, key=lambda c: c.rsplit("(", 1)[-1].rstrip(")") not in listed.cas)
    return replace(identity, choices=tuple(ranked))


def identity_text(identity: Identity) -> str:
    """How a named chemical was identified, for the answer's "Read as" and check rows.

    >>> identity_text(Identity("phosphorous tri-chloride", "phosphorus trichloride", "7719-12-2", "name"))
    'phosphorous tri-chloride read as phosphorus trichloride, CAS 7719-12-2'
    >>> identity_text(Identity("thiodiglycol", "thiodiglycol", "111-48-8", "name"))
    'thiodiglycol, CAS 111-48-8'
    >>> identity_text(Identity("MDEA", how="acronym", choices=("a (1-1-1)", "b (2-2-2)")))
    'MDEA: several chemicals (a (1-1-1); b (2-2-2))'
    >>> identity_text(Identity("thiodiglcyol"))
    'thiodiglcyol: chemical not identified'
    """
    if identity.choices:
        more = len(identity.choices) - MAX_CHOICES
        shown = "; ".join(identity.choices[:MAX_CHOICES]) + (f"; {more} more" if more > 0 else "")
        return f"{identity.written}: several chemicals ({shown})"
    if not identity.certain:
        return f"{identity.written}: chemical not identified"
    if " ".join(identity.written.lower().split()) == identity.name.lower() or identity.how == "CAS":
        return f"{identity.written}, CAS {identity.cas}"
    how = f" ({identity.how})" if identity.how in ("formula", "acronym", "spelling") else ""
    return f"{identity.written} read as {identity.name}{how}, CAS {identity.cas}"
