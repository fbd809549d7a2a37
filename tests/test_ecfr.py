"""The eCFR reader on the real Commerce Control List XML, on a small hand-made list, and on hostile XML."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.core.errors import IngestError
from ingest.ecfr import looks_like_ecfr, read_ecfr
from ingest.entries import Entry, Item

pytestmark = pytest.mark.unit

SOURCES = Path(__file__).resolve().parents[1].parent / "shared" / "sources"
CCL = SOURCES / "us-ccl" / "ccl_supp1.xml"
PDF = SOURCES / "us-bis" / "ccats-publishers-table-2018.pdf"

SMALL_LIST = """<?xml version="1.0" encoding="UTF-8"?>
<DIV9 N="Supplement No. 1 to Part 774" TYPE="APPENDIX">
<HD1>Category 9—Test category
</HD1>
<FP-2><B>9A999 Widgets, as follows (see List of Items Controlled).</B>
</FP-2>
<FP-1><E T="04">License Requirements</E>
</FP-1>
<FP-1><I>Reason for Control:</I>AT
</FP-1>
<FP-1><E T="05">List Based License Exceptions (See Part 740 for a Description of All License Exceptions)</E>
</FP-1>
<FP-1><I>LVS:</I> $500
</FP-1>
<FP-1><E T="04">List of Items Controlled</E>
</FP-1>
<FP-1><I>Related Controls:</I> See also 2B350.
</FP-1>
<FP><I>Items:</I> a. Widgets holding more than 2 m
<SU>3</SU>, as follows:
</FP>
<P>a.1 Blue widgets;</P>
<P>a.1.a Small ones (
<FR>1/2</FR> in.);</P>
<NOTE>
<HED><I>Technical Note:</I></HED>
<P><I>Small means what fits in a pocket.</I></P></NOTE>
<P>a.2. Red widgets leaking less than 5 × 10<E T="51">−</E>
<SU>6</SU> per hour.</P>
<P>Note: 9A999.a.1 does not apply to any of the following:</P>
<P>a. Toys; or</P>
<P>b. Art.</P>
<P>b. Gadgets.</P>
<NOTE>
<HED><I>Note:</I></HED>
<P><I>Nothing here is dangerous.</I></P></NOTE>
<FP-2><B>EAR99 Items not elsewhere specified.</B>
</FP-2>
<P>a. Not part of any entry.</P>
</DIV9>
"""


@pytest.fixture(scope="module")
def ccl() -> dict[str, Entry]:
    return {entry.code: entry for entry in read_ecfr(CCL.read_bytes(), str(CCL))}


def codes(item: Item) -> list[str]:
    return [node.code for node in item.walk()]


def test_real_list_has_every_eccn_once_in_document_order() -> None:
    entries = read_ecfr(CCL.read_bytes(), str(CCL))
    found = [entry.code for entry in entries]
    assert len(found) >= 600 and len(found) == len(set(found))
    assert {"0A919", "1C350", "2B352", "2B999", "3A225", "5A002", "9A012", "9E003"} <= set(found)
    categories = [entry.category for entry in entries]
    assert categories == sorted(categories) and set(categories) == set("0123456789")
    assert all(entry.page is None and entry.code.startswith(entry.category) for entry in entries)


def test_2b350_keeps_the_officer_facing_preamble_and_drops_license_exceptions(ccl: dict[str, Entry]) -> None:
    entry = ccl["2B350"]
    lines = entry.text.splitlines()
    assert lines[0] == f"2B350 {entry.title}"
    assert entry.title.startswith("Chemical manufacturing facilities") and entry.category == "2"
    assert "Reason for Control: CB, AT" in lines
    assert "Controls: CB applies to entire entry; AT applies to entire entry" in lines
    assert any(line.startswith("License Requirement Note:") for line in lines)
    assert any(line.startswith("Related Controls:") and "2B999" in line for line in lines)
    assert not any(line.startswith(("LVS:", "GBS:")) for line in lines)
    assert "Column" not in entry.text


def test_2b350_items_form_a_tree_from_their_labels(ccl: dict[str, Entry]) -> None:
    entry = ccl["2B350"]
    assert [child.code for child in entry.children] == [f"2B350.{letter}" for letter in "abcdefghij"]
    valves = entry.children[6]
    assert [child.code for child in valves.children] == ["2B350.g.1", "2B350.g.2", "2B350.g.3"]
    assert {"2B350.a.1.a", "2B350.a.1.b", "2B350.g.1.a", "2B350.i.11"} <= set(codes(entry))
    first = valves.children[0].children[0]
    assert first.code == "2B350.g.1.a" and first.text.startswith("g.1.a. ") and "(3/8 in.)" in first.text


def test_pump_threshold_reads_as_cubic_metres(ccl: dict[str, Entry]) -> None:
    pumps = next(child for child in ccl["2B350"].children if child.code == "2B350.i")
    assert pumps.text.startswith("i. Multiple-seal and seal-less pumps")
    assert "0.6 m3" in pumps.text and "\n" not in pumps.text
    assert all("m\n3" not in entry.full_text() for entry in ccl.values())


def test_notes_hang_on_the_item_they_name(ccl: dict[str, Entry]) -> None:
    entry = ccl["2B350"]
    valves, pumps = entry.children[6], entry.children[8]
    assert any(note.startswith("Technical Note 1 to 2B350.g: All surfaces") for note in valves.notes)
    assert any(note.startswith("Technical Note to 2B350.i:") for note in pumps.notes)
    assert not any("2B350.g:" in note for note in entry.notes)
    assert any(note.startswith("Technical Note 1: Carbon-graphite") for note in entry.notes)


def test_chemical_precursors_keep_their_cas_numbers(ccl: dict[str, Entry]) -> None:
    thiodiglycol = [item for item in ccl["1C350"].walk() if "111-48-8" in item.text]
    assert [item.code for item in thiodiglycol] == ["1C350.b.22"]


def test_heading_only_entry_has_no_children_and_keeps_its_items_line(ccl: dict[str, Entry]) -> None:
    entry = ccl["2B232"]
    assert entry.children == []
    assert any(line.startswith("Items:") and "ECCN heading" in line for line in entry.text.splitlines())


def test_catch_all_entry_lists_its_items_and_related_controls(ccl: dict[str, Entry]) -> None:
    entry = ccl["2B999"]
    assert [child.code for child in entry.children][:3] == ["2B999.a", "2B999.b", "2B999.c"]
    assert any(line.startswith("Related Controls:") and "2B350" in line for line in entry.text.splitlines())


def test_small_list_rebuilds_items_notes_and_units(tmp_path: Path) -> None:
    path = tmp_path / "small.xml"
    path.write_text(SMALL_LIST, encoding="utf-8")
    [entry] = read_ecfr(path.read_bytes(), str(path))
    assert entry.code == "9A999" and entry.title == "Widgets, as follows."
    assert entry.text.splitlines() == [
        "9A999 Widgets, as follows.",
        "Reason for Control: AT",
        "Related Controls: See also 2B350.",
    ]
    assert codes(entry)[1:] == ["9A999.a", "9A999.a.1", "9A999.a.1.a", "9A999.a.2", "9A999.b"]
    widgets, gadgets = entry.children
    blue, red = widgets.children
    small = blue.children[0]
    assert widgets.text == "a. Widgets holding more than 2 m3, as follows:"
    assert small.text == "a.1.a Small ones (1/2 in.);"
    assert red.text == "a.2. Red widgets leaking less than 5 × 10^−6 per hour."
    assert small.notes == ["Technical Note: Small means what fits in a pocket."]
    assert blue.notes == ["Note: 9A999.a.1 does not apply to any of the following:\na. Toys; or\nb. Art."]
    assert gadgets.text == "b. Gadgets." and gadgets.notes == []
    assert entry.notes == ["Note: Nothing here is dangerous."]
    assert "Not part of any entry" not in entry.full_text()


def test_billion_laughs_is_refused_without_expanding(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    lols = "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10))
    path.write_text(f'<?xml version="1.0"?><!DOCTYPE DIV9 [<!ENTITY lol0 "lol">{lols}]><DIV9>&lol9;</DIV9>')
    with pytest.raises(IngestError) as caught:
        read_ecfr(path.read_bytes(), str(path))
    assert caught.value.path == str(path)
    assert "unsafe XML" in caught.value.reason and "entity declarations are not allowed" in caught.value.reason


def test_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    path = tmp_path / "xxe.xml"
    path.write_text(
        f'<?xml version="1.0"?><!DOCTYPE DIV9 [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
        "<DIV9><FP-2><B>2B350 &xxe;</B></FP-2></DIV9>"
    )
    with pytest.raises(IngestError) as caught:
        read_ecfr(path.read_bytes(), str(path))
    assert str(path) in str(caught.value) and "unsafe XML" in caught.value.reason
    assert "TOP-SECRET" not in str(caught.value)


def test_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.xml"
    path.write_text("<DIV9>\n<FP-2><B>2B350 Chemical equipment</FP-2>\n</DIV9>")
    with pytest.raises(IngestError) as caught:
        read_ecfr(path.read_bytes(), str(path))
    assert caught.value.path == str(path)
    assert caught.value.reason.startswith("not well-formed XML: line 2")


def test_xml_without_eccn_headings_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.xml"
    path.write_text("<DIV9><HD1>Category 2</HD1><P>a. Something.</P></DIV9>")
    with pytest.raises(IngestError, match="no ECCN entries found"):
        read_ecfr(path.read_bytes(), str(path))


def test_sniff_tells_ecfr_from_other_xml_and_pdf() -> None:
    assert looks_like_ecfr(CCL.read_bytes())
    assert looks_like_ecfr(SMALL_LIST.encode())
    assert not looks_like_ecfr(b'<?xml version="1.0"?><catalog><book id="1"><title>X</title></book></catalog>')
    assert not looks_like_ecfr(PDF.read_bytes()[:4096])
