"""Training page (trainers): scenario cards revealed one by one, a scored quiz, and a classroom view.

Streamlit runs this file as the page script; its functions are importable for tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import streamlit as st

from assistant.answer.render import decision_line
from assistant.core.codes import names_item, top_level
from assistant.core.errors import StceError
from assistant.core.types import Answer
from ui import resources
from ui.answer_view import escape_md, lines, show_answer

NOT_CONTROLLED = "Not controlled"
MODES = ["Cards", "Quiz", "Classroom"]
DISAGREES = "The assistant disagrees: check the scenario or the lists."


def is_right(picks: list[str], expected: list[str]) -> bool:
    """Right when every pick names an expected item and every expected item is named, each at the precision
    the key asks ("1C350" does not name "1C350.2"); or only "Not controlled" when none apply."""
    if not expected:
        return picks == [NOT_CONTROLLED]
    if not picks or NOT_CONTROLLED in picks:
        return False
    return all(any(names_item(p, e) for p in picks) for e in expected) and all(
        any(names_item(p, e) for e in expected) for p in picks
    )


def quiz_options(scenario: dict[str, Any], module: Iterable[dict[str, Any]]) -> list[str]:
    """What a trainee picks from for one scenario: its own key among the keys of its module's other
    scenarios (at the precision the keys ask), never every module's keys.

    >>> quiz_options({"expected": ["2B350.a"]}, [{"expected": ["1C350.2"]}, {"expected": []}])
    ['Not controlled', '1C350.2', '2B350.a']
    """
    return [NOT_CONTROLLED, *sorted({c for s in [scenario, *module] for c in s["expected"]})]


def disagreement(answer: Answer, expected: list[str]) -> str:
    """How the live answer contradicts the scenario's key, or "" when it does not.

    Compared by entry: the key may ask a sub-item the assistant words differently, but an answer that names
    none of the expected entries, or calls controlled goods free (or free goods controlled), must not be
    shown to a class as if it agreed.
    """
    if not expected:
        if answer.decision == "likely-controlled":
            return f"The key says not controlled; the live answer says: {decision_line(answer)}"
        return ""
    # The entry the verdict line names is what a class reads; a key entry further down the cards is no
    # agreement.
    verdict = answer.candidates[0].entry if answer.candidates else ""
    keyed = {top_level(c).upper() for c in expected}
    if answer.decision in ("not-controlled-as-described", "no-match") or top_level(verdict).upper() not in keyed:
        return f"The key expects {', '.join(expected)}; the live answer says: {decision_line(answer)}"
    return ""


def live_question(scenario: dict[str, Any]) -> str:
    """The goods as seen and the question, as an officer would ask (`bench.scenarios` asks the same)."""
    return f"{str(scenario['goods']).strip()}\n{scenario['question']}"


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


def show_key(scenario: dict[str, Any]) -> None:
    """The scenario's key: the expected items (or why none applies) and the teaching points."""
    if scenario["expected"]:
        st.markdown("Expected entries: " + ", ".join(f"**{escape_md(c)}**" for c in scenario["expected"]))
    else:
        st.markdown(f"**Not controlled:** {escape_md(str(scenario.get('not_controlled_reason', '')))}")
    for point in scenario.get("teaching_points", []):
        st.markdown(f"- {escape_md(str(point))}")


def reveal(scenario: dict[str, Any]) -> None:
    """What the trainer explains: the key, and what the assistant answers live, flagged when they differ."""
    show_key(scenario)
    st.caption(f"Live answer to the goods and: {escape_md(str(scenario['question']))}")
    try:
        answer = resources.ask(live_question(scenario))
    except StceError as err:
        st.error(str(err))
        return
    if problem := disagreement(answer, scenario["expected"]):
        st.warning(f"**{DISAGREES}** {escape_md(problem)}", icon=":material/report:")
    show_answer(answer)


def cards(scenarios: list[dict[str, Any]]) -> None:
    for scenario in scenarios:
        with st.container(border=True):
            show_goods(scenario)
            if st.toggle("Reveal", key=f"reveal-{scenario['id']}"):
                reveal(scenario)


def quiz(scenarios: list[dict[str, Any]]) -> None:
    """The trainee picks items for each scenario; after submitting, each pick beside the key, and one score."""
    with st.form("quiz"):
        for scenario in scenarios:
            show_goods(scenario)
            options = quiz_options(scenario, scenarios)
            st.multiselect(
                "Your entries",
                options,
                key=f"quiz-{scenario['id']}",
                accept_new_options=True,
                max_selections=max(1, len(options) - 1),  # no "Select all": picking every option is no answer
                placeholder="Pick or type entries, or 'Not controlled'",
            )
        submitted = st.form_submit_button("Score my answers")
    if not submitted:
        return
    right = 0
    for scenario in scenarios:
        picks = st.session_state.get(f"quiz-{scenario['id']}", [])
        ok = is_right(picks, scenario["expected"])
        right += ok
        with st.container(border=True):
            (st.success if ok else st.error)(f"{scenario['title']}: {'right' if ok else 'not quite'}")
            st.markdown("Your pick: " + (", ".join(f"**{escape_md(p)}**" for p in picks) or "nothing"))
            show_key(scenario)
    st.metric("Score", f"{right} / {len(scenarios)}")


def classroom(scenarios: list[dict[str, Any]]) -> None:
    """One scenario at a time in large type for a projector; the trainer steps through and reveals."""
    at = min(st.session_state.get("classroom_at", 0), len(scenarios) - 1)
    scenario = scenarios[at]
    left, middle, right = st.columns([1, 4, 1])
    left.button(
        "Previous",
        icon=":material/arrow_back:",
        disabled=at == 0,
        width="stretch",
        on_click=st.session_state.__setitem__,
        args=("classroom_at", at - 1),
    )
    middle.caption(f"Scenario {at + 1} of {len(scenarios)} (the browser's full screen, F11, hides the rest)")
    right.button(
        "Next",
        icon=":material/arrow_forward:",
        disabled=at == len(scenarios) - 1,
        width="stretch",
        on_click=st.session_state.__setitem__,
        args=("classroom_at", at + 1),
    )
    st.title(str(scenario["title"]))
    for line in str(scenario["goods"]).strip().splitlines():
        st.header(escape_md(line), anchor=False)
    st.subheader(escape_md(str(scenario["question"])), anchor=False, divider="gray")
    if st.toggle("Reveal", key=f"classroom-reveal-{scenario['id']}"):
        reveal(scenario)


def page() -> None:
    st.title("Training")
    scenarios = resources.scenarios()
    if not scenarios:
        st.info("No training scenarios: `corpus/scenarios.yaml` is missing or empty.")
        return
    titles = module_titles()
    modules = sorted({int(s["module"]) for s in scenarios})
    module = st.selectbox(
        "Module",
        modules,
        format_func=lambda m: f"{m}. {titles.get(m, 'Module')}",
        on_change=st.session_state.pop,
        args=("classroom_at", None),
    )
    chosen = [s for s in scenarios if s["module"] == module]
    mode = st.radio(
        "Mode",
        MODES,
        horizontal=True,
        key="training_mode",
        help="Cards: reveal the key and the live answer one scenario at a time. Quiz: trainees pick "
        "the entries themselves and see the key after submitting. Classroom: one scenario in "
        "large type for a projector.",
    )
    if mode == "Quiz":
        quiz(chosen)
    elif mode == "Classroom":
        classroom(chosen)
    else:
        cards(chosen)


if __name__ == "__main__":
    page()
