"""One card per item: candidates of different lists that control the same goods are grouped, home list first.

The links were found at ingest (`ItemLink` in the snapshot: language versions, shared EU/US codes, NSG items
matched by subject and thresholds). Here a candidate takes the candidates it is linked to onto its card, and
every other linked list's item is cited beside it, so that one card carries each list's citation; the
officer's own list (`STCE_HOME_LIST`) leads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace

from assistant.core.types import Candidate, Citation, ItemLink, Passage, SameItem
from assistant.storage.snapshot import Snapshot

log = logging.getLogger(__name__)

MIN_CONFIDENCE = 0.5
"""Links below this are not shown as the same item."""


@dataclass(frozen=True)
class Grouped:
    candidates: list[Candidate]
    citations: list[Citation]
    guidance: list[Citation]


def _links(snapshot: Snapshot, c: Candidate) -> list[ItemLink]:
    """Links of the candidate's item, else of its entry, in its own list."""
    for code in dict.fromkeys((c.item, c.entry)):
        found = [
            link
            for link in snapshot.links(code)
            if link.list_label == c.list_label and link.confidence >= MIN_CONFIDENCE
        ]
        if found:
            return found
    return []


def _label(p: Passage) -> str:
    """The version as the editor named it; the source's name when the version has no label (never a bare hash)."""
    label, _, _ = p.version.rpartition(" (")
    return label or p.source


def _passage(snapshot: Snapshot, code: str, list_label: str) -> Passage | None:
    passages, _ = snapshot.entry(code, list_label)
    return next((p for p in passages if p.entry.upper() == code.upper()), passages[0] if passages else None)


def group_by_item(
    candidates: list[Candidate],
    citations: list[Citation],
    guidance: list[Citation],
    snapshot: Snapshot,
    home_list: str = "",
    allows: Callable[[Passage], bool] = lambda _p: True,
) -> Grouped:
    """Merge linked candidates into one card each and cite every linked list's item on it.

    `allows` is the question's scope: a list the officer left out is not cited on the card either.
    """
    if not snapshot.all_links:
        return Grouped(candidates, citations, guidance)
    citations = list(citations)
    groups: list[list[Candidate]] = []
    linked_to: dict[tuple[str, str], int] = {}
    for c in candidates:
        links = _links(snapshot, c)
        keys = [(code.upper(), c.list_label) for code in (c.item, c.entry)]
        at = next((linked_to[k] for k in keys if k in linked_to), None)
        if at is None or c.status != groups[at][0].status:
            groups.append([c])
            at = len(groups) - 1
        else:
            groups[at].append(c)
        for link in links:
            linked_to.setdefault((link.other_code.upper(), link.other_list), at)
    out: list[Candidate] = []
    for members in groups:
        lead = next((m for m in members if m.list_label == home_list), members[0])
        shown = [
            SameItem(m.list_label, m.item, _version(m), m.citations, "same item", 1.0) for m in members if m is not lead
        ]
        listed = {(lead.item.upper(), lead.list_label)} | {(s.code.upper(), s.list_label) for s in shown}
        seen_lists = {lead.list_label} | {s.list_label for s in shown}
        for link in (link for m in members for link in _links(snapshot, m)):
            if (link.other_code.upper(), link.other_list) in listed or link.other_list in seen_lists:
                continue
            passage = _passage(snapshot, link.other_code, link.other_list)
            if passage is None or not allows(passage):
                continue
            citations.append(Citation(len(citations) + 1, passage, link.confidence))
            shown.append(
                SameItem(
                    link.other_list, link.other_code, _label(passage), [len(citations)], link.kind, link.confidence
                )
            )
            listed.add((link.other_code.upper(), link.other_list))
            seen_lists.add(link.other_list)
        shown.sort(key=lambda s: (s.list_label != home_list, -s.confidence))
        out.append(replace(lead, same_item=shown))
    first_guidance = len(citations) + 1
    guidance = [replace(g, n=first_guidance + i) for i, g in enumerate(guidance)]
    return Grouped(out, citations, guidance)


def _version(c: Candidate) -> str:
    label, _, _ = c.version.rpartition(" (")
    return label or c.list_label
