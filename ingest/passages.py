"""Cut entries and curriculum text into passages that fit the embedding model.

A passage belongs to the most specific entry whose whole text it holds: an entry that fits the model's
window is one passage; a longer one gives a passage for its preamble and notes, then one for each
sub-item, descending only where a sub-item is still too long. Every passage repeats the entry header
(and the parent item's opening words) so that it reads and embeds on its own.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace

from langchain_core.documents import Document
from langchain_text_splitters import MarkdownHeaderTextSplitter, RecursiveCharacterTextSplitter

from assistant.core.types import Passage
from assistant.storage.embeddings import count_tokens, load_model
from ingest.entries import Entry, Item

Make = Callable[..., Passage]
BLOCK_CHARS = 1_000_000
"""Markdown split at a time: the splitters keep several copies of what they are given (lines, pieces, their
lengths), so a 49 MB file given whole took gigabytes; a megabyte holds hundreds of passages."""
_HEADING = re.compile(r"(#{1,3})\s+\S")
_CONTEXT_WORDS = 40
CHARS_PER_TOKEN = 8
"""A passage's size counts at least one word piece per 8 characters: the tokenizer counts a run of any
length without spaces as one unknown token, so word pieces alone let a 20 MB line become one passage."""


def _fits(text: str, budget: int) -> bool:
    return count_tokens([text])[0] <= budget and len(text) <= budget * CHARS_PER_TOKEN


def _length(text: str) -> int:
    """Word pieces, as the splitter measures a piece, but never fewer than the characters allow."""
    return max(len(load_model().tokenizer.tokenize(text)), -(-len(text) // CHARS_PER_TOKEN))


def _splitter(budget: int) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        chunk_size=budget, chunk_overlap=min(24, budget // 8), length_function=_length
    )


def _opening(text: str) -> str:
    words = text.split()
    return " ".join(words[:_CONTEXT_WORDS]) + (" ..." if len(words) > _CONTEXT_WORDS else "")


def _chunks(context: str, body: str, budget: int) -> Iterator[str]:
    """`context` + `body`, cut into pieces that each repeat the context."""
    if _fits(f"{context}\n{body}", budget):
        yield f"{context}\n{body}".strip()
        return
    room = max(budget - count_tokens([context])[0] - 2, budget // 3)
    for piece in _splitter(room).split_text(body):
        yield f"{context}\n{piece}".strip()


def entry_passages(entries: list[Entry], make: Make, budget: int) -> list[Passage]:
    """Passages for a control list, in document order; sub-items of an entry are never packed together."""
    out: list[Passage] = []
    for entry in entries:
        header, _, preamble = entry.text.partition("\n")
        common = {"title": entry.title, "category": entry.category}
        rest = Item(entry.code, preamble.strip(), entry.page, entry.notes, entry.children)
        out.extend(_item_passages(rest, "", header.strip() or entry.code, make, budget, common, top=True))
    return out


def _item_passages(
    item: Item, parent: str, context: str, make: Make, budget: int, common: dict, top: bool = False
) -> list[Passage]:
    """One passage for an item that fits; otherwise its own text, then its children packed into as few
    passages as fit, descending into a child only when it is too long.

    A `top` item is a whole entry: its sub-items stay together when they fit in one passage (an entry
    whose items must all be met, like 3A225, reads as one), else each stands alone under the entry
    header, so that a passage names the most specific sub-item it holds.
    """
    whole = f"{context}\n{item.full_text()}"
    if _fits(whole, budget):
        return [make(text=whole, entry=item.code, parent=parent, page=item.page, **common)]
    own = "\n".join(p for p in [item.text, *item.notes] if p)
    deeper = context if top or not item.text else f"{context}\n{_opening(item.text)}"
    out: list[Passage] = []
    group: list[Item] = []
    lines: list[str] = []
    if own and not top and _fits(f"{context}\n{own}", budget):
        group, lines, group_context = [item], [own], context
    else:
        out += [
            make(text=piece, entry=item.code, parent=parent, page=item.page, **common)
            for piece in _chunks(context, own, budget)
            if own
        ]
        group_context = deeper

    def flush() -> None:
        if lines:
            code = group[0].code if len(group) == 1 else item.code
            out.append(
                make(
                    text="\n".join([group_context, *lines]),
                    entry=code,
                    parent=parent if code == item.code else item.code,
                    page=group[0].page,
                    **common,
                )
            )

    together = "\n".join(child.full_text() for child in item.children)
    if top and item.children and _fits(f"{context}\n{together}", budget):
        out.append(make(text=f"{context}\n{together}", entry=item.code, parent=parent, page=item.page, **common))
        return out
    for child in item.children:
        text = child.full_text()
        if lines and not top and _fits("\n".join([group_context, *lines, text]), budget):
            group.append(child)
            lines.append(text)
            continue
        flush()
        group, lines, group_context = [], [], deeper
        if _fits(f"{deeper}\n{text}", budget):
            group, lines = [child], [text]
        else:
            out.extend(_item_passages(child, item.code, deeper, make, budget, common))
    flush()
    return out


def text_passages(
    pages: list[tuple[int | None, str]],
    name: str,
    make: Make,
    budget: int,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Passage]:
    """Curriculum: Markdown split by headings (each passage carries its heading path); PDF pages as they come.

    Passages come one at a time, and Markdown is split a block at a time (see `_blocks`): what a long file
    costs in memory is its text and the passages kept, not the splitter's working copies of all of it.
    `progress` hears the characters done of the total.
    """
    headings = [("#", "h1"), ("##", "h2"), ("###", "h3")]
    md = MarkdownHeaderTextSplitter(headings, strip_headers=True)
    total, done = sum(len(text) for _, text in pages), 0
    for page, text in pages:
        blocks = _blocks(text) if page is None else iter([(len(text), text)])
        for end, block in blocks:
            sections: list[Document] = md.split_text(block) if page is None else [Document(block)]
            for section in sections:
                path = [section.metadata[k] for _, k in headings if k in section.metadata]
                context = " > ".join(path) if path else name
                title = path[-1] if path else name
                for piece in _chunks(context, section.page_content, budget):
                    yield make(text=piece, title=title, page=page)
            if progress:
                progress(done + end, total)
        done += len(text)


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    r"""Markdown in blocks of about `BLOCK_CHARS` cut at line ends, each opening with the headings above its
    first line, so that each reads as it would within the whole; with the offset where each block ends.

    >>> [block for _, block in _blocks("# A\n" + "x\n" * 3)]
    ['# A\nx\nx\nx\n']
    >>> [block.splitlines()[:2] for _, block in _blocks("# A\n## B\n" + "y\n" * 600_000)][1]
    ['# A', '## B']
    """
    heads: dict[int, str] = {}
    block: list[str] = []
    size = end = 0
    fenced = False
    for line in io.StringIO(text):
        end += len(line)
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (heading := _HEADING.match(line)):
            level = len(heading.group(1))
            heads = {k: v for k, v in heads.items() if k < level} | {level: line.rstrip("\n")}
        block.append(line)
        size += len(line)
        if size >= BLOCK_CHARS and not fenced:
            yield end, "".join(block)
            block = [f"{h}\n" for _, h in sorted(heads.items())]
            size = 0
    if size or not end:
        yield end, "".join(block)


def repetition_key(entry: str, text: str) -> tuple[str, ...]:
    r"""What makes two passages of one source the same text: their entry and their distinct lines, in order,
    with case and spacing ignored. A passage of one line repeated ten times is the same as one of it twice.

    >>> repetition_key("", "Converter 800 Hz\nconverter  800 hz\n\nConverter 800 Hz")
    ('', 'converter 800 hz')
    """
    lines = (" ".join(line.casefold().split()) for line in text.splitlines())
    return (entry, *dict.fromkeys(line for line in lines if line))


def fold_repeats(passages: Iterable[Passage]) -> list[Passage]:
    """Each identical or near-identical passage (see `repetition_key`) once, where it first stands, with the
    count of how often it stands in the source: repetition adds no text to search, only weight."""
    first: dict[tuple[str, ...], int] = {}
    out: list[Passage] = []
    counts: list[int] = []
    for p in passages:
        key = repetition_key(p.entry, p.text)
        if key in first:
            counts[first[key]] += 1
            continue
        first[key] = len(out)
        out.append(p)
        counts.append(p.repeats)
    return [p if n == p.repeats else replace(p, repeats=n) for p, n in zip(out, counts, strict=True)]
