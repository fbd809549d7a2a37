"""The parse tree every control-list reader produces: entries with nested sub-items and their notes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Item:
    """A numbered sub-item (e.g. `2B350.g.1`) with its own text, notes and children.

    `text` holds the item's own words (its label line and continuation lines, without the children);
    `notes` holds the Notes, Technical Notes, N.B. and decontrol notes that belong to this item.
    """

    code: str
    text: str
    page: int | None = None
    notes: list[str] = field(default_factory=list)
    children: list[Item] = field(default_factory=list)

    def walk(self) -> list[Item]:
        """This item and all its descendants, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def full_text(self) -> str:
        """The item with its notes and every descendant, as one text in document order."""
        parts = [self.text, *self.notes]
        parts += [child.full_text() for child in self.children]
        return "\n".join(p for p in parts if p)


@dataclass
class Entry(Item):
    """A top-level control entry (`2B350`, `ML8`): its title, category and the preamble in `text`.

    For an entry, `text` is the header line plus any text before the first sub-item (for the US CCL:
    reasons for control, related controls, related definitions); `notes` are the entry-level notes.
    """

    title: str = ""
    category: str = ""
