"""The starter corpus states only facts that the official control lists contain.

Every entry code, every threshold written next to an entry and every CAS number in `corpus/` is checked
against the real documents in ../shared/sources, so a slip in the training text cannot teach an officer a
wrong entry number or a wrong limit.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pint
import pytest
import yaml

from tests.conftest import pdf_plain_text

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "sources"
CORPUS = ROOT / "corpus"
CURRICULUM = CORPUS / "curriculum"
SCENARIOS = CORPUS / "scenarios.yaml"

SECTIONS = [
    "Who this is for",
    "What to look for",
    "Relevant entries and deciding parameters",
    "Typical declared names and civil uses",
    "Checklist",
]
MAX_CHUNK_WORDS = 180
SCENARIO_KEYS = {"id", "module", "title", "goods", "question", "expected", "not_controlled_reason", "teaching_points"}

CODE_RE = re.compile(r"(?<![\w.])(?P<base>\d[A-E]\d{3}|ML\d{1,2})(?P<sub>(?:\.(?:[a-z]{1,2}|\d{1,2})(?!\w))*)")
CAS_RE = re.compile(r"\b\d{2,7}-\d{2}-\d\b")
PDF_HEADER_RE = re.compile(r"^(\d[A-E]\d{3}|ML\d{1,2})\s+(?!continued\b|or\b|to\b|and\b)")

# Unit spellings, longest first, and the pint unit each stands for.
UNITS: list[tuple[str, str]] = [
    (r"m3/h(?:our|r)?|m³/h(?:our)?", "meter**3/hour"),
    (r"m3/min(?:ute)?", "meter**3/minute"),
    (r"m3/s", "meter**3/second"),
    (r"(?:litres?|liters?|l|L)\s*(?:/|per\s+)\s*h(?:our|r)?", "liter/hour"),
    (r"(?:litres?|liters?|l|L)\s*(?:/|per\s+)\s*min(?:ute)?", "liter/minute"),
    (r"kg/h", "kilogram/hour"),
    (r"mg/m3|mg/m³", "milligram/meter**3"),
    (r"g/cm3|g/cm³", "gram/centimeter**3"),
    (r"km/h", "kilometer/hour"),
    (r"m/s", "meter/second"),
    (r"cm3|cm³", "centimeter**3"),
    (r"cm2|cm²", "centimeter**2"),
    (r"mm2|mm²", "millimeter**2"),
    (r"m3|m³|cubic met(?:re|er)s?", "meter**3"),
    (r"m2|m²|square met(?:re|er)s?", "meter**2"),
    (r"litres?|liters?|l|L", "liter"),
    (r"µm|μm|micrometres?|micrometers?|microns?", "micrometer"),
    (r"nm", "nanometer"),
    (r"mm", "millimeter"),
    (r"cm", "centimeter"),
    (r"km", "kilometer"),
    (r"metres?|meters?|m", "meter"),
    (r"%|percent|per cent", "percent"),
    (r"ppm", "ppm"),
    (r"GHz", "GHz"),
    (r"MHz", "MHz"),
    (r"kHz", "kHz"),
    (r"Hz", "Hz"),
    (r"°\s?C|º\s?C|oC", "degC"),
    (r"K", "kelvin"),
    (r"GPa", "GPa"),
    (r"MPa", "MPa"),
    (r"kPa", "kPa"),
    (r"mPa", "mPa"),
    (r"Pa", "Pa"),
    (r"MNs|MN·s", "MN*s"),
    (r"kNs|kN·s", "kN*s"),
    (r"Ns|N·s", "N*s"),
    (r"MN", "MN"),
    (r"kN", "kN"),
    (r"N", "N"),
    (r"kVA", "kVA"),
    (r"VA", "volt_ampere"),
    (r"kV", "kV"),
    (r"V", "V"),
    (r"MW", "MW"),
    (r"kW", "kW"),
    (r"W", "W"),
    (r"kg", "kg"),
    (r"mg", "mg"),
    (r"g", "g"),
    (r"µs|μs", "microsecond"),
    (r"ms", "millisecond"),
    (r"ns", "nanosecond"),
    (r"ps", "picosecond"),
    (r"rpm|r\.p\.m\.", "revolutions_per_minute"),
    (r"GBq", "GBq"),
    (r"minutes?", "minute"),
    (r"hours?", "hour"),
    (r"seconds?|s", "second"),
]
_UNIT_ALTERNATION = "|".join(f"(?P<u{i}>{spelling})" for i, (spelling, _) in enumerate(UNITS))
QUANTITY_RE = re.compile(
    r"(?<![\w.,^-])(?P<num>\d+(?:\.\d+)?)(?:\s*[x×]\s*10\^?(?P<exp>[-−]?\d{1,2}))?"
    rf"\s*(?:{_UNIT_ALTERNATION})(?![A-Za-z0-9²³])"
)
DN_RE = re.compile(r"\bDN\s?(\d+)\b")
UREG = pint.UnitRegistry()
# Wide enough for 1 000 °C == 1 273 K (the lists round kelvin), far too narrow to accept a different limit.
RELATIVE_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Quantity:
    """A value in SI base units with its dimensionality, so 0,1 m3 and 100 litres compare equal."""

    dimension: str
    magnitude: float

    def matches(self, other: Quantity) -> bool:
        tolerance = RELATIVE_TOLERANCE * max(abs(self.magnitude), abs(other.magnitude))
        return self.dimension == other.dimension and abs(self.magnitude - other.magnitude) <= tolerance


@dataclass
class OfficialLists:
    """The text of the three official lists, read once per test module."""

    ccl_sections: dict[str, str]
    list_ii_lines: list[str]
    list_i_lines: list[str]
    _entries: dict[str, tuple[str, str]] = field(default_factory=dict)

    def entry(self, base: str) -> tuple[str, str]:
        """The entry's (CCL text, PDF text); both empty when no list has it."""
        if base not in self._entries:
            self._entries[base] = entry_text(base, self)
        return self._entries[base]

    def entry_joined(self, base: str) -> str:
        return "\n".join(self.entry(base))


def pdf_lines(path: Path) -> list[str]:
    """The PDF's text as lines, pages joined in order (page headers and numbers stay in)."""
    return "\n".join(pdf_plain_text(path)).splitlines()


def ccl_sections(path: Path) -> dict[str, str]:
    """CCL entries keyed by ECCN, as plain text."""
    sections: dict[str, str] = {}
    for chunk in path.read_text(encoding="utf-8").split("<FP-2><B>")[1:]:
        match = re.match(r"(\d[A-E]\d{3}) ", chunk)
        if match:
            sections[match.group(1)] = sections.get(match.group(1), "") + "\n" + ccl_plain_text(chunk)
    return sections


def ccl_plain_text(xml: str) -> str:
    """Tags removed, superscripts kept: `m<SU>3</SU>` becomes m3 and `10<SU>6</SU>` becomes 10^6."""
    xml = re.sub(r"(\d)\s*<SU>", r"\1^", xml)
    xml = re.sub(r"\s*<SU>(.*?)</SU>", r"\1", xml)
    xml = re.sub(r"</?(?:I|E|B)\b[^>]*>", "", xml)
    return html.unescape(re.sub(r"<[^>]+>", "\n", xml)).replace("\u2212", "-")


def entry_text(base: str, official: OfficialLists) -> tuple[str, str]:
    """The official text of `base` in the CCL and in the Norwegian PDF (List II, or List I for ML codes).

    CCL: from `<B>base ` to the next `<FP-2><B>` header (split once in `ccl_sections`). PDF: every slice from
    a line starting with the code to the next line starting with another code; "2B350 continued" lines and
    wrapped cross-references such as "9A004 or sounding rockets ..." are not headers.
    """
    lines = official.list_i_lines if base.startswith("ML") else official.list_ii_lines
    kept: list[str] = []
    inside = False
    for line in lines:
        header = PDF_HEADER_RE.match(line)
        if header:
            inside = header.group(1) == base
        if inside:
            kept.append(line)
    return official.ccl_sections.get(base, ""), "\n".join(kept)


@pytest.fixture(scope="module")
def official() -> OfficialLists:
    return OfficialLists(
        ccl_sections=ccl_sections(SOURCES / "us-ccl" / "ccl_supp1.xml"),
        list_ii_lines=pdf_lines(SOURCES / "no-export-control" / "list-ii-dual-use-goods.pdf"),
        list_i_lines=pdf_lines(SOURCES / "no-export-control" / "list-i-military-goods.pdf"),
    )


def has_item(code: str, official: OfficialLists) -> bool:
    """Whether the entry exists and, for `2B350.g.1`-style codes, its sub-item path can be found in it."""
    base, *path = code.split(".")
    ccl, pdf = official.entry(base)
    if not path or not (ccl or pdf):
        return bool(ccl or pdf)
    label = re.escape(".".join(path)) + (r"\.\s" if len(path) == 1 else r"\.?\s")
    if re.search(rf"^(?:Items:\s*)?{label}", ccl, flags=re.MULTILINE):
        return True
    return pdf_path_exists(pdf.splitlines(), path)


def pdf_path_exists(lines: list[str], path: list[str]) -> bool:
    """Walks nested PDF labels (`g.` then `1.` then `a.`), each searched below its parent."""
    start = 0
    for label in path:
        pattern = re.compile(rf"^\s*{re.escape(label)}\.?\s")
        found = next((i for i in range(start, len(lines)) if pattern.match(lines[i])), None)
        if found is None:
            return False
        start = found + 1
    return True


def normalise_numbers(text: str, decimal_comma: bool) -> str:
    """One line, plain dot-decimal numbers: '20 000' and '20,000' become 20000, '0,6' becomes 0.6.

    With `decimal_comma` (the Norwegian PDFs) a comma is always decimal; elsewhere a comma before exactly
    three digits separates thousands.
    """
    text = " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ").split())
    previous = None
    while previous != text:
        previous = text
        text = re.sub(r"(?<![\w.,])(\d{1,3}) (\d{3})(?!\d)", r"\1\2", text)
        if not decimal_comma:
            text = re.sub(r"(?<![\w.,])(\d{1,3}),(\d{3})(?![\d,])", r"\1\2", text)
    return re.sub(r"(\d),(\d)", r"\1.\2", text)


def quantities(text: str) -> list[tuple[int, int, Quantity]]:
    """Every number followed by a known unit in normalised text, with its span, in SI base units."""
    found: list[tuple[int, int, Quantity]] = []
    for match in QUANTITY_RE.finditer(text):
        index = next(int(name[1:]) for name, spelled in match.groupdict().items() if name.startswith("u") and spelled)
        value = float(match.group("num")) * 10 ** int((match.group("exp") or "0").replace("−", "-"))
        q = UREG.Quantity(value, UNITS[index][1]).to_base_units()
        found.append((match.start(), match.end(), Quantity(str(q.dimensionality), float(q.magnitude))))
    for match in DN_RE.finditer(text):
        found.append((match.start(), match.end(), Quantity("DN", float(match.group(1)))))
    return found


def official_quantities(base: str, official: OfficialLists) -> list[Quantity]:
    """Quantities in the entry's official text; the CCL uses decimal points, the Norwegian PDFs decimal commas."""
    ccl, pdf = official.entry(base)
    texts = [normalise_numbers(ccl, decimal_comma=False), normalise_numbers(pdf, decimal_comma=True)]
    return [q for text in texts for _, _, q in quantities(text)]


def tied_code(codes: list[re.Match[str]], position: int) -> str:
    """The entry a fact belongs to: the nearest code before it on the line, else the first code after it."""
    before = [m for m in codes if m.start() < position]
    return (before[-1] if before else codes[0]).group("base")


def threshold_problems(line: str, official: OfficialLists) -> list[str]:
    """Quantities on a line naming an entry that the tied entry's official text does not contain."""
    line = normalise_numbers(line, decimal_comma=False)
    codes = list(CODE_RE.finditer(line))
    if not codes:
        return []
    return [
        f"{line[start:end]!r} is not in the official text of {tied_code(codes, start)}"
        for start, end, quantity in quantities(line)
        if not any(quantity.matches(q) for q in official_quantities(tied_code(codes, start), official))
    ]


def cas_problems(text: str, official: OfficialLists, whole_text_is_one_record: bool = False) -> list[str]:
    """CAS numbers missing from the entry they are tied to: same line, or any code of a one-record text."""
    codes = list(CODE_RE.finditer(text))
    problems = []
    for match in CAS_RE.finditer(text):
        if not codes:
            problems.append(f"CAS {match.group()} is not tied to any entry")
            continue
        bases = [m.group("base") for m in codes] if whole_text_is_one_record else [tied_code(codes, match.start())]
        if not any(match.group() in official.entry_joined(base) for base in bases):
            problems.append(f"CAS {match.group()} is not in the official text of {'/'.join(sorted(set(bases)))}")
    return problems


def curriculum_files() -> list[Path]:
    return sorted(CURRICULUM.glob("*.md"))


def corpus_lines(pattern: str) -> list[tuple[str, int, str]]:
    """Every line of the corpus files matching `pattern`, with its file name and line number."""
    return [
        (path.name, number, line)
        for path in sorted(CORPUS.rglob(pattern))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
    ]


def load_scenarios() -> list[dict[str, object]]:
    return yaml.safe_load(SCENARIOS.read_text(encoding="utf-8"))


def scenario_text(scenario: dict[str, object]) -> str:
    fields = [str(scenario.get(key) or "") for key in ("title", "goods", "question", "not_controlled_reason")]
    return "\n".join([*fields, *map(str, scenario.get("teaching_points", [])), *scenario.get("expected", [])])


def headings(text: str) -> list[str]:
    return re.findall(r"^## (.+?)\s*$", text, flags=re.MULTILINE)


def section(text: str, title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\s*$(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL)
    return match.group(1) if match else ""


def test_the_checker_catches_a_wrong_threshold_code_and_cas(official: OfficialLists) -> None:
    assert threshold_problems("**2B350.i** pumps: maximum flow rate greater than 0,6 m3/hour", official) == []
    assert threshold_problems("**2B350.i** pumps: maximum flow rate greater than 0.4 m3/h", official)
    assert threshold_problems("**2B350.a** reactors: greater than 100 litres and less than 20 000 L", official) == []
    assert threshold_problems("**3A225** frequency changers: 400 Hz or more", official)
    assert has_item("2B350.g.2", official) and has_item("1C350.16", official) and has_item("ML8.d.2", official)
    assert not has_item("2B359", official) and not has_item("2B350.z", official)
    assert cas_problems("1C350.1 thiodiglycol (CAS 111-48-8)", official) == []
    assert cas_problems("2B350 thiodiglycol (CAS 111-48-8)", official)


def test_curriculum_has_nine_modules_each_with_the_five_sections() -> None:
    files = curriculum_files()
    assert [p.name[:3] for p in files] == [f"{n:02d}-" for n in range(1, 10)]
    for path in files:
        assert re.fullmatch(r"\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*\.md", path.name), path.name
        text = path.read_text(encoding="utf-8")
        assert text.startswith("# "), f"{path.name} needs a title"
        assert headings(text) == SECTIONS, path.name
        assert 600 <= len(text.split()) <= 1200, f"{path.name}: {len(text.split())} words"


def test_curriculum_chunks_stay_small_enough_to_retrieve() -> None:
    for path in curriculum_files():
        chunks = re.split(r"^#{1,3} .*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
        sizes = [len(chunk.split()) for chunk in chunks]
        assert max(sizes) <= MAX_CHUNK_WORDS, f"{path.name}: a section has {max(sizes)} words"


def test_every_entry_code_in_the_corpus_exists_in_an_official_list(official: OfficialLists) -> None:
    missing = [
        f"{name}:{number}: {m.group()}"
        for name, number, line in corpus_lines("*.md") + corpus_lines("*.yaml")
        for m in CODE_RE.finditer(line)
        if not has_item(m.group(), official)
    ]
    assert missing == []


def test_every_threshold_next_to_an_entry_is_in_its_official_text(official: OfficialLists) -> None:
    problems = [
        f"{name}:{number}: {problem}"
        for name, number, line in corpus_lines("*.md")
        for problem in threshold_problems(line, official)
    ]
    assert problems == []


def test_thresholds_in_the_entries_section_name_their_entry() -> None:
    untied = [
        f"{path.name}: {line.strip()}"
        for path in curriculum_files()
        for line in section(path.read_text(encoding="utf-8"), SECTIONS[2]).splitlines()
        if quantities(normalise_numbers(line, decimal_comma=False)) and not CODE_RE.search(line)
    ]
    assert untied == []


def test_every_cas_number_is_in_the_entry_it_is_tied_to(official: OfficialLists) -> None:
    problems = [
        f"{name}:{number}: {problem}"
        for name, number, line in corpus_lines("*.md")
        for problem in cas_problems(line, official)
    ]
    for scenario in load_scenarios():
        text = scenario_text(scenario)
        problems += [f"{scenario['id']}: {p}" for p in cas_problems(text, official, whole_text_is_one_record=True)]
    assert problems == []


def test_scenarios_follow_the_schema_and_cover_every_module() -> None:
    scenarios = load_scenarios()
    assert len(scenarios) >= 40
    ids = [s["id"] for s in scenarios]
    assert len(ids) == len(set(ids)), "scenario ids must be unique"
    for s in scenarios:
        assert set(s) <= SCENARIO_KEYS and SCENARIO_KEYS - {"not_controlled_reason"} <= set(s), s.get("id")
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", s["id"]), s["id"]
        assert s["module"] in range(1, 10), s["id"]
        assert all(isinstance(s[k], str) and s[k].strip() for k in ("title", "goods", "question")), s["id"]
        assert 1 <= len(s["goods"].strip().splitlines()) <= 4, s["id"]
        assert isinstance(s["expected"], list) and all(isinstance(c, str) for c in s["expected"]), s["id"]
        reason = s.get("not_controlled_reason") or ""
        assert isinstance(reason, str) and bool(s["expected"]) != bool(reason.strip()), s["id"]
        assert 2 <= len(s["teaching_points"]) <= 4, s["id"]
        assert all(isinstance(point, str) and point.strip() for point in s["teaching_points"]), s["id"]
    assert {s["module"] for s in scenarios} == set(range(1, 10))


def test_scenario_expected_entries_are_real(official: OfficialLists) -> None:
    bad = [
        f"{s['id']}: {code}"
        for s in load_scenarios()
        for code in s["expected"]
        if not CODE_RE.fullmatch(code) or not has_item(code, official)
    ]
    assert bad == []
