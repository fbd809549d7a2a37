"""Everyday goods that share a word with the lists are another kind than the items naming that word, while
their controlled namesakes stay candidates: on a real eCFR excerpt, the real model and the starter corpus."""

from __future__ import annotations

import pytest

from assistant.answer.ask import Assistant
from assistant.decision.kinds import consumer_class
from tests.conftest import excerpt_home

CODES = ("1C351", "2B229", "2B231", "2B350", "2B352", "7A002", "7A003")


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    return Assistant(excerpt_home(tmp_path_factory.mktemp("kinds") / "home", CODES))


@pytest.mark.parametrize(
    ("ordinary", "controlled", "entry"),
    [
        (
            "salad spinner, kitchen centrifuge, 4 L bowl",
            "continuous flow laboratory centrifugal separator, 200 L/h, steam sterilisable",
            "2B352",
        ),
        (
            "brake booster vacuum pump for passenger car, 12 V",
            "seal-less vacuum pump, wetted parts of Hastelloy C-276, 100 m3/h",
            "2B350",
        ),
        (
            'vinyl record album "Bacillus anthracis" by a thrash metal band, 12-inch LP',
            "live culture of Bacillus anthracis, freeze-dried, 2 vials",
            "1C351",
        ),
    ],
)
def test_everyday_goods_are_cleared_their_controlled_namesakes_are_not(
    assistant: Assistant, ordinary: str, controlled: str, entry: str
) -> None:
    everyday = assistant.ask(ordinary)
    listed = assistant.ask(controlled)

    assert everyday.decision == "no-match", (everyday.decision, everyday.entries)
    assert listed.decision == "likely-controlled" and listed.entries[0] == entry, (listed.decision, listed.entries)


def test_a_consumer_word_for_a_purpose_keeps_the_goods_what_they_are(assistant: Assistant) -> None:
    """A cue after "for" says what the goods serve, not what they are: a reactor for car paint is a reactor."""
    assert consumer_class("glass-lined reactor 5 000 L for car paint production") == ""
    answer = assistant.ask("glass-lined reactor 5 000 L for car paint production")
    assert answer.decision == "likely-controlled" and answer.entries[0] == "2B350"


def test_a_toy_the_model_finds_close_to_a_listed_item_stays_a_question(assistant: Assistant) -> None:
    """Unsure is never cleared: a toy gyroscope is close to 7A002's gyros by the model, so it is asked about."""
    answer = assistant.ask("toy gyroscope with spinning gyro rotor, for children")
    assert answer.decision == "needs-facts" and "7A002" in answer.entries
