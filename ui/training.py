"""Training page (trainers): scenario cards from the starter corpus, revealed one by one, and a scored quiz.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import streamlit as st

from assistant.codes import find_codes, top_level
from assistant.errors import StceError
from ui import resources
from ui.answer_view import escape_md, lines, show_answer

NOT_CONTROLLED = "Not controlled"


def entries_of(picks: Iterable[str]) -> set[str]:
    """Top-level entries named by picks typed or chosen in any spelling ("2b350.a" -> "2B350")."""
    found: set[str] = set()
    for pick in picks:
        if pick != NOT_CONTROLLED:
            found |= {top_level(c) for c in find_codes(pick)} or {pick.strip().upper()}
    return found


def is_right(picks: list[str], expected: list[str]) -> bool:
    """Right when the trainee names exactly the expected entries, or only "Not controlled" when none apply."""
    if not expected:
        return picks == [NOT_CONTROLLED]
    return NOT_CONTROLLED not in picks and entries_of(picks) == entries_of(expected)


def module_titles() -> dict[int, str]:
    """Module number -> the title of its curriculum file (`03-...md` starts with `# Title`)."""
    titles = {}
    for path in sorted((resources.settings().corpus_dir / "curriculum").glob("[0-9][0-9]-*.md")):
        heading = re.search(r"^# (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
        titles[int(path.name[:2])] = heading[1].strip() if heading else path.stem
    return titles


def show_goods(scenario: dict[str, Any]) -> None:
    st.markdown(f"**{escape_md(str(scenario['title']))}**")
    st.markdown(lines(escape_md(str(scenario["goods"]).strip())))


def reveal(scenario: dict[str, Any]) -> None:
    """What the trainer explains: the expected entries, why, and what the assistant answers live."""
    if scenario["expected"]:
        st.markdown("Expected entries: " + ", ".join(f"**{escape_md(c)}**" for c in scenario["expected"]))
    else:
        st.markdown(f"**Not controlled:** {escape_md(str(scenario.get('not_controlled_reason', '')))}")
    for point in scenario.get("teaching_points", []):
        st.markdown(f"- {escape_md(str(point))}")
    st.caption(f"Live answer to: {escape_md(str(scenario['question']))}")
    try:
        show_answer(resources.ask(str(scenario["question"])))
    except StceError as err:
        st.error(str(err))


def cards(scenarios: list[dict[str, Any]]) -> None:
    for scenario in scenarios:
        with st.container(border=True):
            show_goods(scenario)
            if st.toggle("Reveal", key=f"reveal-{scenario['id']}"):
                reveal(scenario)


def quiz(scenarios: list[dict[str, Any]], options: list[str]) -> None:
    """The trainee picks entries for each scenario; one score for the module after submitting."""
    with st.form("quiz"):
        for scenario in scenarios:
            show_goods(scenario)
            st.multiselect("Your entries", options, key=f"quiz-{scenario['id']}", accept_new_options=True,
                           placeholder="Pick or type entries, or 'Not controlled'")
        submitted = st.form_submit_button("Score my answers")
    if not submitted:
        return
    right = 0
    for scenario in scenarios:
        ok = is_right(st.session_state.get(f"quiz-{scenario['id']}", []), scenario["expected"])
        right += ok
        expected = ", ".join(scenario["expected"]) or NOT_CONTROLLED
        (st.success if ok else st.error)(f"{scenario['title']}: expected {expected}")
    st.metric("Score", f"{right} / {len(scenarios)}")


def page() -> None:
    st.title("Training")
    scenarios = resources.scenarios()
    if not scenarios:
        st.info("No training scenarios: `corpus/scenarios.yaml` is missing or empty.")
        return
    titles = module_titles()
    modules = sorted({int(s["module"]) for s in scenarios})
    module = st.selectbox("Module", modules, format_func=lambda m: f"{m}. {titles.get(m, 'Module')}")
    chosen = [s for s in scenarios if s["module"] == module]
    if st.toggle("Quiz mode", help="Trainees pick the entries themselves; the score shows after submitting."):
        options = [NOT_CONTROLLED, *sorted(entries_of(c for s in scenarios for c in s["expected"]))]
        quiz(chosen, options)
    else:
        cards(chosen)


if __name__ == "__main__":
    page()
