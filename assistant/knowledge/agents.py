"""The biological agents and toxins table (corpus/agents.yaml): the other names of the lists' organisms and
toxins (synonyms, old names, strain and laboratory names) -> the name the lists use.

"RCA60, 1 mg" is ricin (1C351.d); "Pasteurella tularensis culture" is Francisella tularensis (1C351.c); an
officer reading either would otherwise find no entry, which reads as cleared. A name used as a title or a
brand is not the agent: goods whose own noun is a record, a T-shirt or a book (`named_after`) are judged as
those goods.

Matching: case-insensitive and whole-word, longest name first; an abbreviated genus ("F. tularensis") is
read for every binomial name; a short name of capitals and digits ("LVS", "TTX", "RCA60") only where the
question speaks of biological material (`context` words: a culture, a vial, a toxin), since "SEB" or "TTX"
alone may be anything.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.core.codes import find_codes
from assistant.core.errors import IngestError
from assistant.core.types import Identity

AGENTS_PATH = Path(__file__).resolve().parents[2] / "corpus" / "agents.yaml"
KINDS = frozenset({"bacterium", "virus", "toxin", "fungus"})
NAME_KINDS = {"synonyms": "synonym", "old_names": "old name", "laboratory": "strain or laboratory name"}
"""The row's lists of other names, and how the answer says a name was read."""
_SHORT = re.compile(r"^[A-Z0-9/ -]{2,8}$")
"""A name of capitals and digits ("LVS", "RCA60", "BoNT" is not): read only beside a context word."""
_BINOMIAL = re.compile(r"^(?P<genus>[A-Z][a-z]+) (?P<species>[a-z]+)$")


@dataclass(frozen=True)
class Agent:
    """One row: the listed name, its kind, its item per list, its other names by kind, and its source."""

    name: str
    kind: str
    entries: dict[str, str]
    names: dict[str, str]
    """Every other name (lower case) -> how it relates to the listed one ("old name")."""
    source: str


@dataclass(frozen=True)
class AgentsTable:
    """The loaded table: agents, the goods nouns that carry an agent's name as a title, the context words, the
    words of a culture's medium."""

    agents: tuple[Agent, ...]
    named_after: frozenset[str]
    context: frozenset[str]
    media: frozenset[str]
    pattern: re.Pattern[str]
    by_name: dict[str, tuple[Agent, str]]
    """Lower-case name -> (agent, how it relates to the listed name; "" for the listed name)."""


def _fail(path: Path, where: str, reason: str) -> IngestError:
    return IngestError(path, f"{where}: {reason}")


def _words(path: Path, data: dict[str, Any], key: str, field: str) -> frozenset[str]:
    block = data.get(key)
    if not isinstance(block, dict) or set(block) != {field, "source"}:
        raise _fail(path, key, f"must be a mapping with {field} and source")
    values = block[field]
    if not isinstance(values, list) or not values or not all(isinstance(v, str) and v.strip() for v in values):
        raise _fail(path, key, f"{field} must be a non-empty list of words")
    if not isinstance(block["source"], str) or not block["source"].strip():
        raise _fail(path, key, "source must say where the words come from")
    return frozenset(v.strip().lower() for v in values)


def _row(path: Path, index: int, row: Any) -> Agent:
    """One validated row; errors name the file, the row number and the agent."""
    fields = {"name", "kind", "entries", *NAME_KINDS, "source"}
    where = f"agents row {index}"
    if not isinstance(row, dict) or set(row) != fields:
        raise _fail(path, where, f"each row must be a mapping with exactly {', '.join(sorted(fields))}")
    name = row["name"]
    if not isinstance(name, str) or not name.strip():
        raise _fail(path, where, "name must be a non-empty string")
    where = f"agents row {index} ({name})"
    if row["kind"] not in KINDS:
        raise _fail(path, where, f"kind {row['kind']!r} is not one of {sorted(KINDS)}")
    entries = row["entries"]
    if not isinstance(entries, dict) or not entries:
        raise _fail(path, where, "entries must map a list (US CCL, EU) to the item that names the agent")
    for label, code in entries.items():
        if not isinstance(code, str) or find_codes(code) != [code]:
            raise _fail(path, where, f"entries: {label}: {code!r} is not a control code such as 1C351.c.14")
    names: dict[str, str] = {}
    for key, how in NAME_KINDS.items():
        values = row[key]
        if not isinstance(values, list) or not all(isinstance(v, str) and v.strip() for v in values):
            raise _fail(path, where, f"{key} must be a list of names (may be empty)")
        for value in values:
            if value.lower() in names or value.lower() == name.lower():
                raise _fail(path, where, f"{value!r} is given twice")
            names[value.strip().lower()] = how
    if not isinstance(row["source"], str) or not row["source"].strip():
        raise _fail(path, where, "source must say where the names come from")
    return Agent(name.strip(), row["kind"], {str(k): v for k, v in entries.items()}, names, row["source"].strip())


def _abbreviated(name: str) -> str:
    """A binomial name with its genus abbreviated, as laboratories write it, else "".

    >>> _abbreviated("Francisella tularensis"), _abbreviated("Ricin")
    ('f. tularensis', '')
    """
    m = _BINOMIAL.match(name)
    return f"{m['genus'][0].lower()}. {m['species']}" if m else ""


def _pattern(name: str) -> str:
    """Whole words, any run of spaces or hyphens between them."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", name)]
    return r"(?<![\w-])" + r"[\s-]*".join(parts) + r"(?![\w-])"


def load_agents(path: Path = AGENTS_PATH) -> AgentsTable:
    """The table, validated row by row; an error names the file and the row."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise IngestError(path, f"cannot read the agents table: {err}") from err
    if not isinstance(data, dict) or not isinstance(data.get("agents"), list) or not data["agents"]:
        raise IngestError(path, "the agents table must be a mapping with named_after, context, media and agents rows")
    named_after = _words(path, data, "named_after", "nouns")
    context = _words(path, data, "context", "words")
    media = _words(path, data, "media", "words")
    agents = tuple(_row(path, i, row) for i, row in enumerate(data["agents"], 1))
    by_name: dict[str, tuple[Agent, str]] = {}
    for index, agent in enumerate(agents, 1):
        own = {agent.name.lower(): ""}
        if short := _abbreviated(agent.name):
            own[short] = "abbreviated name"
        for written, how in {**own, **agent.names}.items():
            if written in by_name and by_name[written][0] is not agent:
                raise _fail(
                    path, f"agents row {index} ({agent.name})", f"{written!r} also names {by_name[written][0].name}"
                )
            by_name.setdefault(written, (agent, how))
    names = sorted(by_name, key=len, reverse=True)
    pattern = re.compile("|".join(_pattern(n) for n in names), re.IGNORECASE)
    return AgentsTable(agents, named_after, context, media, pattern, by_name)


@functools.cache
def agents_table() -> AgentsTable:
    """The project's table, read once."""
    return load_agents()


def _key(written: str, table: AgentsTable) -> str:
    folded = " ".join(re.split(r"[\s-]+", written.lower()))
    return next((n for n in table.by_name if " ".join(re.split(r"[\s-]+", n)) == folded), "")


def find_agents(text: str, table: AgentsTable | None = None) -> list[tuple[Identity, tuple[int, int]]]:
    """The agents a text names, each as an identity (the listed name, how the written name relates to it)
    with where it stands; a short name of capitals only beside a context word.

    >>> [(i.name, i.how) for i, _ in find_agents("Pasteurella tularensis, lyophilised culture")]
    [('Francisella tularensis', 'old name')]
    >>> [i.name for i, _ in find_agents("RCA60 1 mg vial")], find_agents("TTX 2000 dashcam")
    (['Ricin'], [])
    """
    table = table or agents_table()
    context = bool(set(re.findall(r"[a-z-]+", text.lower())) & table.context)
    found: list[tuple[Identity, tuple[int, int]]] = []
    for m in table.pattern.finditer(text):
        key = _key(m[0], table)
        if not key or (_SHORT.match(m[0]) and not context):
            continue
        agent, how = table.by_name[key]
        found.append((Identity(m[0], agent.name, "", how or "name"), m.span()))
    return found


def biological(text: str, table: AgentsTable | None = None) -> bool:
    """Whether a text speaks of biological material (a culture, an isolate, a vial: the table's `context`).

    >>> biological("Brucella sp. field isolate"), biological("triethyl phosphite, 200 kg drums")
    (True, False)
    """
    table = table or agents_table()
    return bool(set(re.findall(r"[a-z-]+", text.lower())) & table.context)


def media_chemicals(text: str, chemicals: list[str], table: AgentsTable | None = None) -> set[str]:
    """The chemicals a text about biological material names as its medium ("frozen glycerol stock", "culture
    in glycerol"): a bacterial stock is the organism, never the chemical it is frozen in.

    >>> sorted(media_chemicals("Brucella sp. isolate, frozen glycerol stock, 2 cryovials", ["glycerol"]))
    ['glycerol']
    >>> media_chemicals("glycerol 99.5 %, 200 kg drums", ["glycerol"]), media_chemicals("TEA in stock", ["TEA"])
    (set(), set())
    """
    table = table or agents_table()
    if not biological(text, table):
        return set()
    media = "|".join(map(re.escape, sorted(table.media)))
    return {
        name
        for name in chemicals
        if re.search(rf"(?i)\b(?:{re.escape(name)}\s+(?:{media})|in\s+{re.escape(name)})\b", text)
    }


def named_after(subject: str, table: AgentsTable | None = None) -> bool:
    """Goods that carry a name as a title or brand ("record album", "T-shirt"), not the agent of that name.

    >>> named_after("record album"), named_after("vial")
    (True, False)
    """
    table = table or agents_table()
    return bool(set(re.findall(r"[a-z0-9-]+", subject.lower())) & table.named_after)


def agent_text(identity: Identity) -> str:
    """How an agent's name was read, for the answer's "Read as".

    >>> agent_text(Identity("Pasteurella tularensis", "Francisella tularensis", how="old name"))
    'Pasteurella tularensis read as Francisella tularensis (old name)'
    >>> agent_text(Identity("ricin", "Ricin", how="name"))
    'ricin'
    """
    if identity.how == "name":
        return identity.written
    return f"{identity.written} read as {identity.name} ({identity.how})"
