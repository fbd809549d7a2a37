"""The conversation store on a real SQLite file: turns replaced in place, and every access checked by owner."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from assistant.core.types import Leaf, Node, Quantity
from assistant.storage.conversations import ConversationStore, StoredTurn, from_json

OWNER = "k" * 32


@pytest.mark.unit
def test_a_question_stored_before_its_answer_is_replaced_in_place(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "conversations.sqlite")
    store.save(OWNER, "c1", StoredTurn("t1", "glass-lined reactor", None, "pending"))
    store.save(OWNER, "c1", StoredTurn("t2", "and 50 litres?", None, "pending"))

    store.save(OWNER, "c1", StoredTurn("t1", "glass-lined reactor", None, "the question has no words"))

    assert [(t.id, t.error) for t in store.turns(OWNER, "c1")] == [
        ("t1", "the question has no words"),
        ("t2", "pending"),
    ]
    assert [s.title for s in store.list(OWNER)] == ["glass-lined reactor"]


@pytest.mark.unit
def test_only_the_owner_reads_writes_or_deletes(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "conversations.sqlite")
    store.save(OWNER, "c1", StoredTurn("t1", "2B350", None, "x"))
    stranger = "s" * 32

    assert store.turns(stranger, "c1") == [] and store.list(stranger) == []
    with pytest.raises(PermissionError):
        store.save(stranger, "c1", StoredTurn("t2", "more", None, "x"))
    assert not store.delete(stranger, "c1") and store.turns(OWNER, "c1")
    assert OWNER not in (tmp_path / "conversations.sqlite").read_bytes().decode("latin-1"), "only its hash is kept"
    assert store.delete(OWNER, "c1") and store.turns(OWNER, "c1") == [] and store.list(OWNER) == []


@pytest.mark.unit
def test_records_come_back_from_json_with_unions_and_tuples() -> None:
    bound = Quantity(0.1, "meter**3", "0.1 m3", "volume")
    tree = Node(
        "all",
        (
            Leaf("threshold", "greater than 0.1 m3", property="volume", op=">", bound=bound),
            Node("any", (Leaf("material", "glass", materials=("glass",)),)),
        ),
    )

    assert from_json(Node, asdict(tree)) == tree
