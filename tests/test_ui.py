"""The Streamlit pages driven by Streamlit's AppTest over a real index of a small real-content list."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
import streamlit as st
import yaml
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.testing.v1 import AppTest, app_test
from streamlit.testing.v1.element_tree import Block
from streamlit.testing.v1.local_script_runner import LocalScriptRunner

from assistant.answer.audit import AuditLog
from assistant.answer.render import version_text
from assistant.core.settings import Settings
from assistant.core.types import Answer, Progress
from bench.pdfwriter import pdf_bytes
from ingest.pipeline import Ingester
from tests.conftest import ccl_excerpt
from ui import resources
from ui.answer_view import answer_markdown, escape_md, highlight
from ui.chat import audit_record
from ui.feedback import FeedbackStore
from ui.login import BY_ADDRESS, TOKEN_TTL_S, issue_token
from ui.sources import progress_text
from ui.training import DISAGREES, NOT_CONTROLLED, is_right

APP = str(Path(__file__).resolve().parents[1] / "ui" / "app.py")
REACTOR = "glass-lined reactor, 1000 litres"
PASSWORD = "correct horse"
SCENARIOS = [
    {
        "id": "glass-lined-reactor",
        "module": 4,
        "title": "Glass-lined reactor",
        "goods": "Reaction vessel, glass-lined steel, 3000 litres, with agitator",
        "question": "glass-lined reaction vessel of 3000 litres with agitator",
        "expected": ["2B350.a"],
        "teaching_points": ["Glass lining is one of the listed materials of construction."],
    },
    {
        "id": "steel-tank",
        "module": 4,
        "title": "Steel tank",
        "goods": "Storage tank, carbon steel, 500 litres",
        "question": "carbon steel storage tank of 500 litres",
        "expected": [],
        "not_controlled_reason": "Carbon steel is not a listed material.",
        "teaching_points": ["Check the material."],
    },
    {
        "id": "wrong-key",
        "module": 5,
        "title": "A key that says free",
        "goods": "Glass-lined reactor, 1000 litres",
        "question": REACTOR,
        "expected": [],
        "not_controlled_reason": "A deliberately wrong key.",
        "teaching_points": [],
    },
]


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A data directory holding the US CCL excerpt and a second list with one entry; a tiny corpus folder."""
    root = tmp_path_factory.mktemp("ui")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / "scenarios.yaml").write_text(yaml.safe_dump(SCENARIOS), encoding="utf-8")
    (root / "ccl.xml").write_text(ccl_excerpt(), encoding="utf-8")
    (root / "ccl-copy.xml").write_text(ccl_excerpt(("2B350",)), encoding="utf-8")
    ingester = Ingester(Settings(home=root / "home", corpus_dir=corpus))
    ingester.ingest([root / "ccl.xml"], name="ccl", version_label="2026-06", list_label="US CCL")
    ingester.ingest([root / "ccl-copy.xml"], name="ccl-copy", list_label="Second list")
    ingester.store.client.close()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("STCE_HOME", str(root / "home"))
        env.setenv("STCE_CORPUS_DIR", str(corpus))
        env.delenv("STCE_EDITOR_PASSWORD", raising=False)
        st.cache_resource.clear()
        yield root / "home"
    st.cache_resource.clear()


@pytest.fixture
def app(home: Path) -> AppTest:
    return AppTest.from_file(APP, default_timeout=120).run()


@pytest.fixture
def editor(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The editor password is set for this test only (the app reads it once per process, so re-read it)."""
    monkeypatch.setenv("STCE_EDITOR_PASSWORD", PASSWORD)
    resources.settings.clear()
    yield
    monkeypatch.delenv("STCE_EDITOR_PASSWORD")
    resources.settings.clear()


def page_text(at: AppTest) -> str:
    """The page's Markdown with the escapes of quoted text removed."""
    return re.sub(r"\\(.)", r"\1", "\n".join([m.value for m in at.markdown] + [m.value for m in at.caption]))


def ask(at: AppTest, question: str) -> AppTest:
    return at.chat_input[0].set_value(question).run()


def reload(at: AppTest, page: str = "", **params: str) -> AppTest:
    """A browser reload: a new session, with nothing of the old one but its URL (`params` changed in it)."""
    again = AppTest.from_file(APP, default_timeout=120)
    again.query_params = {**at.query_params, **params}
    if page:
        again.switch_page(page)
    return again.run()


def unlock(at: AppTest, password: str) -> AppTest:
    at.text_input[0].input(password)
    return at.button[0].click().run()


def history(at: AppTest) -> list[str]:
    return [b.label for b in at.sidebar.button if b.key and b.key.startswith("open-")]


def test_a_question_is_answered_with_cited_passages(app: AppTest) -> None:
    ask(app, REACTOR)

    assert not app.exception
    assert "**2B350.a.1**" in page_text(app)
    cited = app.session_state["turns"][0]["answer"].citations[0].passage
    citation = next(e for e in app.expander if e.label.startswith("\\[1\\] 2B350"))
    shown = version_text(cited.version)
    assert citation.label == escape_md(f"[1] {cited.entry} · {cited.list_label} · {cited.source} {shown}")
    assert any("Glass" in m.value for m in citation.markdown), "the expander holds the full passage"
    assert ":orange-background[Glass]" in page_text(app), "the question's words are highlighted in the quote"


def test_a_follow_up_keeps_the_goods_and_a_new_conversation_forgets_them(app: AppTest) -> None:
    ask(app, REACTOR)
    ask(app, "and if it is only 50 litres?")

    [first, second] = [t["answer"] for t in app.session_state["turns"]]
    assert (first.decision, second.decision) == ("likely-controlled", "not-controlled-as-described")
    assert "50 L" in second.read_as
    assert len(app.chat_message) == 4
    next(b for b in app.sidebar.button if b.label == "New conversation").click().run()
    assert app.session_state["turns"] == [] and not app.chat_message


def test_the_list_filter_restricts_the_answer(app: AppTest) -> None:
    lists = app.sidebar.multiselect[0]
    assert set(lists.value) == {"US CCL", "Second list"}, "every list is searched by default"

    lists.set_value(["Second list"]).run()
    ask(app, REACTOR)

    answer = app.session_state["turns"][-1]["answer"]
    assert answer.candidates and {c.list_label for c in answer.candidates} == {"Second list"}
    assert {c.passage.list_label for c in answer.citations} == {"Second list"}


def test_an_empty_question_shows_why(app: AppTest) -> None:
    ask(app, "?!")

    # Not in a decision's colour: red is "Likely controlled" (issue 25).
    assert "the question has no words" in app.chat_message[1].caption[0].value
    assert not app.chat_message[1].error and not app.chat_message[1].warning


def test_a_rating_and_its_comment_are_stored_with_the_answer(app: AppTest, home: Path) -> None:
    ask(app, REACTOR)
    app.feedback[0].set_value(0).run()
    app.text_input[0].input("should also name 2B999").run()

    [row] = [r for r in FeedbackStore(home / "feedback.sqlite").all() if r["comment"]]
    assert (row["rating"], row["question"]) == ("down", REACTOR)
    assert "2B350" in row["answer"]["entries"]
    assert app.toast[0].value == "Thanks, saved."


def test_the_exports_carry_every_cited_passage_and_its_version(app: AppTest) -> None:
    ask(app, REACTOR)
    answer = app.session_state["turns"][-1]["answer"]

    record = audit_record([answer])
    markdown = answer_markdown(answer)

    cited = record["answers"][0]["citations"]
    assert len(cited) == len(answer.citations) + len(answer.guidance) > 0
    first = cited[0]
    assert first["version"] == answer.citations[0].passage.version and "Glass" in first["text"]
    assert markdown.startswith(f"## {REACTOR}") and escape_md(f"[1] {first['entry']}") in markdown
    assert "> a.1." in markdown and "Technical Note 1" in markdown, "the export holds the whole entry and its notes"


def test_an_empty_index_says_how_to_fill_it(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STCE_HOME", str(tmp_path / "empty"))
    st.cache_resource.clear()
    try:
        at = AppTest.from_file(APP, default_timeout=120).run()
    finally:
        monkeypatch.setenv("STCE_HOME", str(home))
        st.cache_resource.clear()

    assert "holds no control list" in at.info[0].value and "Sources" in at.info[0].value


def test_the_sources_page_is_locked_when_no_password_is_set(app: AppTest) -> None:
    app.switch_page("sources.py").run()

    assert "STCE_EDITOR_PASSWORD" in app.info[0].value
    assert not app.file_uploader and not app.button


@pytest.mark.usefixtures("editor")
def test_the_sources_page_opens_only_with_the_editor_password(app: AppTest) -> None:
    app.switch_page("sources.py").run()
    app.text_input[0].input("wrong")
    app.button[0].click().run()
    assert app.error[0].value == "Wrong password." and not app.file_uploader

    app.text_input[0].input(PASSWORD)
    app.button[0].click().run()

    assert app.file_uploader
    assert {"ccl", "ccl-copy"} <= set(app.table[0].value["source"])


@pytest.mark.usefixtures("editor")
def test_a_bad_upload_shows_its_error_and_a_new_version_shows_its_changes(app: AppTest, home: Path) -> None:
    app.switch_page("sources.py").run()
    app.text_input[0].input(PASSWORD)
    app.button[0].click().run()
    changed = ccl_excerpt(("2B350",)).replace("greater than 0.6 m", "greater than 0.7 m").encode()

    app.file_uploader[0].set_value(
        [
            ("report.pdf", b"this is not a PDF", "application/pdf"),
            ("other.xml", b"<catalogue><item/></catalogue>", "text/xml"),
            ("ccl-copy.xml", changed, "text/xml"),
        ]
    ).run()
    [label] = [t for t in app.text_input if t.label == "List label"]
    assert label.value == "US CCL", "the label the content proposes, for the one readable file"
    label.input("Second list")
    next(b for b in app.button if b.label == "Ingest").click().run()

    errors = [e.value for e in app.error]
    assert "report.pdf: not a PDF (no %PDF header)" in errors
    assert any(e.startswith("other.xml: XML that is not an eCFR") for e in errors)
    assert any("ccl-copy.xml" in s.value and "updated" in s.value for s in app.success)
    diff = next(c.value for c in app.code if "2B350.i" in c.value or "0.7 m" in c.value)
    assert "+" in diff and "0.7 m" in diff


def test_training_reveals_the_expected_entries_and_the_live_answer(app: AppTest) -> None:
    app.switch_page("training.py").run()
    assert "Reaction vessel, glass" in page_text(app)

    app.toggle(key="reveal-glass-lined-reactor").set_value(True).run()

    text = page_text(app)
    assert "Expected entries: **2B350.a**" in text
    assert "**2B350.a.1**" in text, "the live answer is shown"
    assert not [w for w in app.warning if DISAGREES in w.value], "the live answer agrees with the key"


def test_a_live_answer_that_contradicts_the_key_is_flagged_to_the_trainer(app: AppTest) -> None:
    app.switch_page("training.py").run()
    app.selectbox[0].set_value(5).run()

    app.toggle(key="reveal-wrong-key").set_value(True).run()

    [flag] = [w.value for w in app.warning if DISAGREES in w.value]
    assert "not controlled" in flag and "2B350" in flag, "the flag says what the key and the answer each say"


def test_the_quiz_shows_each_pick_beside_the_key_and_the_teaching_points(app: AppTest) -> None:
    app.switch_page("training.py").run()
    app.radio(key="training_mode").set_value("Quiz").run()

    app.multiselect(key="quiz-glass-lined-reactor").set_value(["2B350.a"])
    app.multiselect(key="quiz-steel-tank").set_value(["2B350.a"])
    next(b for b in app.button if b.label == "Score my answers").click().run()

    assert app.metric[0].value == "1 / 2"
    text = page_text(app)
    assert text.count("Your pick: **2B350.a**") == 2
    assert "Expected entries: **2B350.a**" in text and "**Not controlled:** Carbon steel is not a listed" in text
    assert "- Glass lining is one of the listed materials of construction." in text
    assert [e.value for e in app.error] == ["Steel tank: not quite"]


def test_the_classroom_mode_shows_one_scenario_at_a_time(app: AppTest) -> None:
    app.switch_page("training.py").run()
    app.radio(key="training_mode").set_value("Classroom").run()

    assert app.title[-1].value == "Glass-lined reactor" and "Steel tank" not in page_text(app)
    previous, following = (next(b for b in app.button if b.label == label) for label in ("Previous", "Next"))
    assert previous.disabled and not following.disabled
    following.click().run()

    assert app.title[-1].value == "Steel tank"
    assert "Storage tank, carbon steel, 500 litres" in [h.value for h in app.header]
    assert next(b for b in app.button if b.label == "Next").disabled


@pytest.mark.unit
def test_quoted_text_cannot_inject_markdown() -> None:
    quote = "a. [click](http://x) *bold* $x$ :red[alarm] 0.6 m3"

    shown = highlight(quote, "reactor of 0.6 m3")

    assert "[click](" not in shown and ":red[" not in shown and "$x$" not in shown
    assert ":orange-background[0\\.6]" in shown
    assert escape_md("1. item") == "1\\. item"


@pytest.mark.unit
def test_quiz_answers_are_compared_at_the_precision_the_key_asks_in_any_spelling() -> None:
    assert is_right(["2b350.a.1"], ["2B350.a"]) and is_right(["1c350.2"], ["1C350.2"])
    assert not is_right(["1C350"], ["1C350.2"]), "the entry alone does not name the chemical"
    assert not is_right(["2B350"], ["2B350.a"])
    assert not is_right(["2B350.a", "2B352"], ["2B350.a"]), "an extra entry is wrong"
    assert not is_right(["2B350.a"], ["2B350.a", "2B352"]), "a missing entry is wrong"
    assert is_right([NOT_CONTROLLED], [])
    assert not is_right([], []) and not is_right([NOT_CONTROLLED, "2B350.a"], ["2B350.a"])


@pytest.mark.unit
def test_progress_says_the_phase_and_the_time_left_while_embedding() -> None:
    assert progress_text(Progress("/tmp/x/list.pdf", "read"), None, 0.0) == "list.pdf: reading the file"
    embedding = Progress("/tmp/x/list.pdf", "embed", 50, 200)

    assert progress_text(embedding, 100.0, 110.0) == "list.pdf: embedding passages 50/200, about 30 s left"
    assert progress_text(Progress("list.pdf", "embed", 10, 2000), 0.0, 60.0).endswith("about 199 min left")
    assert embedding.fraction == pytest.approx(0.3) and Progress("a", "done").fraction == 1.0


def unlocked_sources(app: AppTest) -> AppTest:
    return unlock(app.switch_page("sources.py").run(), PASSWORD)


@pytest.mark.usefixtures("editor")
def test_removal_asks_for_confirmation_with_the_name_and_counts_and_says_what_went(
    app: AppTest, home: Path, tmp_path: Path
) -> None:
    (tmp_path / "spare.xml").write_text(ccl_excerpt(("2B350",)), encoding="utf-8")
    with Ingester(Settings(home=home)) as ingester:
        [spare] = ingester.ingest([tmp_path / "spare.xml"], name="spare", list_label="Spare list")
    unlocked_sources(app)

    next(b for b in app.button if b.label == "Remove spare").click().run()

    [ask] = [w.value for w in app.warning if "spare" in w.value]
    assert f"{spare.passages} passages" in ask and f"{spare.entries} entries" in ask
    table = app.table[0].value
    assert "spare" in set(table["source"]), "one click removes nothing"
    [row] = table[table["source"] == "spare"].to_dict("records")
    assert (row["language"], row["version label"], row["passages"]) == ("en", "(none)", spare.passages)
    next(b for b in app.button if b.label == "Cancel").click().run()
    assert not [w for w in app.warning if "spare" in w.value] and "spare" in set(app.table[0].value["source"])

    next(b for b in app.button if b.label == "Remove spare").click().run()
    next(b for b in app.button if b.label == "Yes, remove spare").click().run()

    assert (
        app.success[0].value == f"Removed spare: {spare.passages} passages and {spare.entries} entries are no "
        "longer searched."
    )
    assert "spare" not in set(app.table[0].value["source"])


@pytest.mark.usefixtures("editor")
def test_ingest_waits_for_a_file_and_a_pdf_that_is_no_list_is_proposed_as_guidance_only(app: AppTest) -> None:
    unlocked_sources(app)
    assert next(b for b in app.button if b.label == "Ingest").disabled, "nothing to ingest yet"
    leaflet = pdf_bytes([[(72, 760, "Leaflet: how to read a nameplate before you call the licensing office.")]])

    app.file_uploader[0].set_value([("leaflet.pdf", leaflet, "application/pdf")]).run()

    assert not next(b for b in app.button if b.label == "Ingest").disabled
    kind = next(s for s in app.selectbox if s.label == "Kind")
    assert kind.value == "other" and "Detected: other (guidance only)" in page_text(app)
    next(b for b in app.button if b.label == "Ingest").click().run()

    [source] = [s for s in resources.sources() if s.name == "leaflet"]
    assert (source.kind, source.list_label) == ("other", "Other documents")
    app.switch_page("chat.py").run()
    assert "Other documents" not in app.sidebar.multiselect[0].options, "a guidance document is no list to pick"
    with resources.ingester() as writer:
        writer.remove("leaflet")


@pytest.mark.usefixtures("editor")
def test_the_editor_chooses_the_kind_and_a_list_cannot_be_ingested_as_what_it_is_not(app: AppTest) -> None:
    unlocked_sources(app)
    note = b"# Nameplates\n\nRead the maker, the model and the year.\n"
    app.file_uploader[0].set_value([("nameplates.md", note, "text/markdown")]).run()
    assert next(s for s in app.selectbox if s.label == "Kind").value == "curriculum"
    assert next(t for t in app.text_input if t.label == "List label").value == "STCE curriculum"

    next(s for s in app.selectbox if s.label == "Kind").set_value("control-list").run()
    next(b for b in app.button if b.label == "Ingest").click().run()

    assert any(e.value.startswith("nameplates.md: no control-list entries found") for e in app.error)
    assert "nameplates" not in {s.name for s in resources.sources()}


@pytest.fixture
def upload_stores(monkeypatch: pytest.MonkeyPatch) -> list[MemoryUploadedFileManager]:
    """The upload store of each AppTest run from now on (AppTest builds a new one per run and keeps none)."""
    stores: list[MemoryUploadedFileManager] = []

    class Recording(LocalScriptRunner):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            stores.append(cast(MemoryUploadedFileManager, self._uploaded_file_mgr))

    monkeypatch.setattr(app_test, "LocalScriptRunner", Recording)
    return stores


def held(store: MemoryUploadedFileManager) -> list[str]:
    return [f.name for files in store.file_storage.values() for f in files.values()]


@pytest.mark.usefixtures("editor")
def test_uploads_are_freed_once_ingested_and_the_uploader_starts_empty(
    app: AppTest, upload_stores: list[MemoryUploadedFileManager]
) -> None:
    """Streamlit would hold them in memory until the session ends; a failed ingest frees them too."""
    unlocked_sources(app)
    note = b"# Nameplates\n\nRead the maker, the model and the year.\n"
    app.file_uploader[0].set_value(
        [("nameplates.md", note, "text/markdown"), ("report.pdf", b"this is not a PDF", "application/pdf")]
    ).run()
    next(s for s in app.selectbox if s.label == "Kind").set_value("control-list").run()
    assert sorted(held(upload_stores[-1])) == ["nameplates.md", "report.pdf"], "held while the editor chooses"

    next(b for b in app.button if b.label == "Ingest").click().run()

    assert any(e.value.startswith("nameplates.md: no control-list entries found") for e in app.error)
    assert held(upload_stores[-1]) == [], "the ingest's run freed both files"
    assert not app.file_uploader[0].value, "a new, empty uploader: the page shows no file that is gone"


def test_a_screened_document_is_freed_and_its_results_stay(
    app: AppTest, upload_stores: list[MemoryUploadedFileManager]
) -> None:
    app.switch_page("screening.py").run()
    manifest = b"Glass-lined reactor 3000 L with agitator\n"
    app.file_uploader[0].set_value([("manifest.txt", manifest, "text/plain")]).run()
    assert held(upload_stores[-1]) == ["manifest.txt"]

    next(b for b in app.button if b.label == "Screen").click().run()

    assert app.subheader[0].value == "manifest.txt: 1 lines"
    assert held(upload_stores[-1]) == [], "the screening's run freed the document"
    assert not app.file_uploader[0].value


def test_a_reload_brings_the_conversation_back_and_a_follow_up_keeps_the_goods(app: AppTest) -> None:
    ask(app, REACTOR)
    [before] = app.session_state["turns"]
    conversation = app.query_params["c"]

    again = reload(app)

    [after] = again.session_state["turns"]
    assert after["answer"] == before["answer"], "the whole answer comes back, with the query follow-ups read against"
    assert len(again.chat_message) == 2 and "**2B350.a.1**" in page_text(again)
    ask(again, "and if it is only 50 litres?")
    assert again.session_state["turns"][1]["answer"].decision == "not-controlled-as-described"
    assert again.query_params["c"] == conversation
    trail = AuditLog(Settings()).entries()
    assert [(e["question"], e["conversation"]) for e in trail[-2:]] == [
        (REACTOR, conversation),
        ("and if it is only 50 litres?", conversation),
    ], "the audit trail links to it"


def test_past_conversations_are_listed_and_only_their_owner_opens_or_deletes_them(app: AppTest) -> None:
    ask(app, REACTOR)
    first = app.query_params["c"]
    next(b for b in app.sidebar.button if b.label == "New conversation").click().run()
    assert "c" not in app.query_params and not app.chat_message
    ask(app, "2B350")

    assert history(app) == ["2B350", REACTOR], "by first question, the latest first"
    stranger = reload(app, s="another-browser-session-key-0123456789")
    assert stranger.session_state["turns"] == [] and not history(stranger), "the id without its owner key opens nothing"
    assert stranger.query_params.get("c") is None

    app.button(key=f"open-{first}").click().run()
    assert [t["question"] for t in app.session_state["turns"]] == [REACTOR] and app.query_params["c"] == first
    app.button(key=f"delete-{first}").click().run()
    assert history(app) == ["2B350", REACTOR], "one click only asks (issue 25)"
    app.button(key=f"confirm-{first}").click().run()
    assert history(app) == ["2B350"] and app.session_state["turns"] == [] and "c" not in app.query_params
    assert reload(app, c=first).session_state["turns"] == [], "a deleted conversation is gone"


def test_an_empty_chat_offers_example_questions_and_no_answer_mode_without_an_llm(app: AppTest) -> None:
    assert not [s for s in app.sidebar.selectbox if s.label == "Answer mode"], "one answer mode only: nothing to choose"
    example = app.button(key="example-0")

    example.click().run()

    assert app.session_state["turns"][0]["question"] == example.label
    assert app.session_state["turns"][0]["answer"].candidates
    assert not [b for b in app.button if b.key and b.key.startswith("example-")], "only on an empty chat"


def test_every_page_starts_with_its_title(app: AppTest) -> None:
    for page in ("chat.py", "screening.py", "training.py", "sources.py"):
        app.switch_page(page).run()
        shown = [node for node in app.main if not isinstance(node, Block)]
        assert type(shown[0]).__name__ == "Title", f"{page} starts with {shown[0]}"


@pytest.mark.usefixtures("editor")
def test_the_editor_unlock_survives_a_reload_for_a_limited_time(app: AppTest, home: Path) -> None:
    unlock(app.switch_page("sources.py").run(), PASSWORD)
    token = app.query_params["editor"]
    assert app.file_uploader and PASSWORD not in token

    assert reload(app, "sources.py").file_uploader, "a reload keeps the unlock"
    forged = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert not reload(app, "sources.py", editor=forged).file_uploader
    expired = reload(app, "sources.py", editor=issue_token(home, PASSWORD, time.time() - TOKEN_TTL_S - 1))
    assert not expired.file_uploader and "expired" in expired.info[0].value
    next(b for b in app.sidebar.button if b.label == "Lock editing").click().run()
    assert not app.file_uploader and "editor" not in app.query_params


@pytest.mark.usefixtures("editor")
def test_wrong_passwords_from_parallel_sessions_share_one_delay(home: Path) -> None:
    sessions = [AppTest.from_file(APP, default_timeout=120) for _ in range(BY_ADDRESS.free + 1)]
    for at in sessions:
        at.switch_page("sources.py").run()

    errors = [unlock(at, "wrong").error[0].value for at in sessions]

    assert errors[:-1] == ["Wrong password."] * BY_ADDRESS.free
    assert errors[-1].startswith("Too many wrong passwords: try again in")
    assert not unlock(sessions[0], PASSWORD).file_uploader, "not even the right password until the delay is over"
    time.sleep(BY_ADDRESS.delay(BY_ADDRESS.free))
    assert unlock(sessions[0], PASSWORD).file_uploader


def test_the_answer_follows_the_question_language_unless_one_is_chosen(app: AppTest) -> None:
    ask(app, "réacteur émaillé de 1 000 litres")
    assert app.session_state["turns"][-1]["answer"].language == "fr"
    shown = page_text(app) + "".join(e.value for e in [*app.success, *app.warning, *app.error, *app.info])
    assert "Probablement contrôlé" in shown

    choice = next(s for s in app.sidebar.selectbox if s.label.startswith("Answer language"))
    choice.set_value("en").run()
    ask(app, "réacteur émaillé de 1 000 litres")
    assert app.session_state["turns"][-1]["answer"].language == "en"


def chat_answer(at: AppTest, n: int = -1) -> Answer:
    return at.session_state["turns"][n]["answer"]


def test_an_answer_opens_with_its_verdict_then_how_the_question_was_read(app: AppTest) -> None:
    ask(app, REACTOR)

    reply = app.chat_message[1]
    verdict = reply.error[0].value
    assert verdict.startswith("Likely controlled\\: 2B350.a.1 ("), verdict
    assert verdict.endswith(
        "applies\\: total internal volume 1000 L lies inside 0.1 m³ - 20 m³; glass-lined steel is a listed material"
    ), verdict
    assert reply.caption[0].value == "Read as\\: reactor, 1000 L, glass-lined steel"
    assert not re.search(r"\b[0-9a-f]{12}\b", page_text(app)), "versions show their label, never a hash"
    for c in chat_answer(app).candidates:
        assert f"{c.list_label} · {version_text(c.version)} · cites" in page_text(app)
    assert version_text("2026-06 (8045c830d5e3)") == "2026-06"


def test_cards_are_compact_and_expand_to_the_whole_entry(app: AppTest) -> None:
    ask(app, "frequency converter 400 Hz, 50 kVA")

    answer = chat_answer(app)
    card = answer.candidates[0]
    assert card.entry == "3A225" and answer.decision == "not-controlled-as-described"
    compact = app.chat_message[1].table[0].value
    assert list(compact["verdict"]) == ["met", "not met"], "only the checks the stated facts answered"
    whole = next(e for e in app.expander if e.label.startswith("Whole entry"))
    assert len(whole.table[0].value) == len(card.checks) == 4, "every threshold of the entry behind the expander"
    assert any("better (less) than 0.2%" in m.value for m in whole.markdown), "the whole quote"


def test_a_needs_facts_answer_offers_the_fact_and_answering_re_decides(app: AppTest) -> None:
    ask(app, "reactor, 1000 litres")
    assert chat_answer(app).decision == "needs-facts"
    wetted = app.pills[0]
    assert wetted.label == "Wetted material?"
    assert {"glass-lined steel", "PTFE", "tantalum", "316L stainless steel"} <= set(wetted.options)

    wetted.set_value("glass-lined steel").run()

    follow = chat_answer(app)
    assert len(app.session_state["turns"]) == 2 and not app.exception
    assert app.session_state["turns"][1]["question"] == "wetted parts glass-lined steel"
    assert follow.decision == "likely-controlled" and follow.entries[0] == "2B350"
    assert "(follow-up to\\: reactor, 1000 litres)" in app.chat_message[3].caption[0].value


def test_a_threshold_fact_is_typed_in_a_short_input(app: AppTest) -> None:
    ask(app, "frequency converter 800 Hz, 50 kVA, three-phase")
    prompt = next(t for t in app.text_input if t.label == "Frequency control?")

    prompt.input("0.1%").run()

    assert app.session_state["turns"][1]["question"] == "frequency control 0.1%"
    assert chat_answer(app).decision == "likely-controlled"


def test_next_questions_are_offered_and_asked_in_the_same_conversation(app: AppTest) -> None:
    ask(app, REACTOR)
    suggested = next(p for p in app.pills if p.label == "Next questions")
    assert suggested.options[0] == "and if it is only 0.05 m³?"

    suggested.set_value(suggested.options[0]).run()

    assert chat_answer(app).decision == "not-controlled-as-described"
    assert "0.05 m³" in chat_answer(app).read_as


def _hostile_answer() -> None:
    from assistant.core.types import Candidate, Check, Citation, Passage
    from ui.answer_view import show_candidate

    image = "![x](http://127.0.0.1:9/t.png)"
    passage = Passage(
        id="x",
        text=f"{image} <img src=x> text",
        source="src",
        list_label="L",
        version="v1 (0123456789ab)",
        version_id="v",
        kind="curriculum",
        title=image,
    )
    check = Check(entry="X1", parameter="material", threshold=image, verdict="met", stated=image)
    card = Candidate(
        entry="X1",
        item="X1",
        title=image,
        list_label="L",
        version=passage.version,
        quote=image,
        notes=[image],
        citations=[1],
        checks=[check],
        status="applies",
        reason=image,
    )
    show_candidate(card, "", {1: Citation(1, passage, 1.0)}, set())


@pytest.mark.unit
def test_document_text_cannot_load_a_remote_image() -> None:
    at = AppTest.from_function(_hostile_answer, default_timeout=120).run()

    shown = [m.value for m in at.markdown] + [c.value for c in at.caption] + [e.label for e in at.expander]
    shown += [str(v) for t in at.table for v in t.value.to_numpy().ravel()]
    assert any("\\!\\[x\\]" in text for text in shown)
    for text in shown:
        assert not re.search(r"(?<!\\)!(?<!\\)\[", text) and not re.search(r"(?<!\\)<img", text), text
        assert "http://" not in text and "0123456789ab" not in text, text


def test_the_officer_picks_the_home_list_among_the_control_lists(app: AppTest) -> None:
    """Which list then leads a card that several lists share is tested with linked lists in test_links.py."""
    choice = next(s for s in app.sidebar.selectbox if s.label.startswith("Your list"))
    assert choice.value == "" and "US CCL" in choice.options and "STCE curriculum" not in choice.options
    choice.set_value("US CCL").run()
    ask(app, REACTOR)
    assert app.session_state["turns"][-1]["answer"].candidates and not app.exception


def test_the_page_follows_the_french_question(app: AppTest) -> None:
    assert app.title[0].value == "Identify strategic goods"
    ask(app, "réacteur émaillé de 1 000 litres")
    assert app.title[0].value == "Identifier les biens stratégiques"
    assert app.chat_input[0].placeholder.startswith("Décrivez les marchandises")
