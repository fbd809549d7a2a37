"""What to ask the officer next: the facts a decision turns on as short prompts, and next questions.

A needs-facts answer is only useful if the officer can give the missing fact in one step; a prompt names it
in a few words ("Wetted material?"), offers the answers the criteria themselves list, and turns the reply
into a follow-up ("wetted parts glass-lined steel") that `assistant.reading.question` completes with the goods
already described, so the same conversation re-decides. Next questions probe the decision's edge (the same
goods just across the deciding threshold) or open the entries the answer points to.
"""

from __future__ import annotations

import functools
import re

from assistant.core.types import Answer, Check, FactAsk, Leaf, Quantity
from assistant.decision.evaluate import material_fits
from assistant.knowledge.materials import materials_table
from assistant.text.messages import message
from assistant.text.params import format_quantity, parse_quantities

MAX_ASKS = 3
MAX_SUGGESTIONS = 3
MAX_OPTIONS = 10
UNLISTED_MATERIAL = "316L stainless steel"
"""The everyday wetted material of process equipment; offered beside the listed ones so "no" is one click."""
WETTED = "wetted parts"
"""How a material follow-up is worded: the follow-up reader takes "wetted parts X" as the same goods."""


def fact_asks(answer: Answer) -> list[FactAsk]:
    """Prompts for the facts the standing candidates are missing, best candidate first, each fact once."""
    if answer.decision != "needs-facts":
        return []
    out: dict[tuple[str, str], FactAsk] = {}
    subject = answer.facts.subject if answer.facts is not None else ""
    for c in answer.candidates:
        if c.status != "undetermined":
            continue
        for leaf in c.missing:
            # One ask per property: "Frequency control?" once, whichever sub-item or entry asks it.
            key = (leaf.kind, leaf.property)
            if key not in out:
                out[key] = fact_ask(c.item, leaf, subject, answer.language)
    return list(out.values())[:MAX_ASKS]


def fact_ask(entry: str, leaf: Leaf, goods: str = "", language: str = "en") -> FactAsk:
    """One missing leaf as a labelled prompt with the answers its criteria suggest; `goods` (the goods'
    noun) opens a feature's follow-up, so that a one-word option ("multiphase") is read as a fact of the same
    goods ("converter with multiphase output"), never as new goods."""
    if leaf.kind == "material":
        label = message("label_material", language)
        return FactAsk(entry, label, ", ".join(leaf.materials), WETTED, material_options(leaf.materials))
    if leaf.kind == "chemical":
        return FactAsk(entry, message("label_chemical", language), leaf.text, "")
    if leaf.kind == "feature":
        # Either answer is a phrase the feature's own words decide: "three-phase" or "single-phase".
        options = tuple(o for o in (leaf.names[:1] + leaf.contrary[:1]) if o)
        tail = [w for w in leaf.property.split()[1:] if all(w not in o for o in options)]
        prefix = f"{goods} with".strip()
        label = message("label_property", language, name=f"{leaf.property[0].upper()}{leaf.property[1:]}")
        return FactAsk(entry, label, leaf.text, prefix, options, " ".join(tail))
    about = f"{leaf.subject.lower()} " if 0 < len(leaf.subject.split()) <= 3 else ""
    name = leaf.property or "deciding parameter"
    if leaf.kind == "count":
        return FactAsk(entry, message("label_count", language, name=name), leaf.text, "", suffix=name)
    label = f"{about}{name}"
    label = message("label_property", language, name=label[0].upper() + label[1:])
    return FactAsk(entry, label, leaf.text, f"{about}{name}")


@functools.cache
def material_options(specs: tuple[str, ...]) -> tuple[str, ...]:
    """One named material from the materials table for each listed spec ("glass" -> glass-lined steel), and
    a common unlisted one, so every answer the criteria can give is one click away."""
    table = [m for m in materials_table().materials if "not stated" not in m.name]
    picks: list[str] = []
    unlisted = next((m for m in table if m.name == UNLISTED_MATERIAL), None)
    for spec in specs:
        fit = next((m.name for m in table if material_fits(spec, m) is True), None)
        if fit and fit not in picks:
            picks.append(fit)
    picks = picks[: MAX_OPTIONS - 1]
    if unlisted is not None and not any(material_fits(spec, unlisted) for spec in specs):
        picks.append(unlisted.name)
    return tuple(picks)


def next_questions(answer: Answer) -> list[str]:
    """Questions worth asking after this answer: across the deciding threshold, and the entries it names."""
    if not answer.candidates:
        return []
    best = answer.candidates[0]
    out: list[str] = []
    lang = answer.language
    edge = _across(best.checks, best.status, lang)
    if edge:
        out.append(edge)
    if best.status == "applies" and any(ch.parameter == "material" and ch.verdict == "met" for ch in best.checks):
        out.append(message("next_material", lang, material=UNLISTED_MATERIAL))
    codes = [c for c in answer.falls_to.values() if c not in ("EAR99", "not listed")]
    codes += [best.entry] if answer.decision == "needs-facts" else []
    codes += [r for c in answer.candidates for r in c.related]
    out += [message("next_code", lang, code=code) for code in dict.fromkeys(codes)]
    return list(dict.fromkeys(out))[:MAX_SUGGESTIONS]


def _across(checks: list[Check], status: str, language: str = "en") -> str:
    """The same goods just across the first stated threshold that decided: "and if it is only 0.05 m³?"."""
    if status not in ("applies", "does not apply"):
        return ""
    for ch in checks:
        if ch.asked is None or ch.bound is None or ch.op is None or ch.verdict == "not stated":
            continue
        if status == "applies" and ch.verdict != "met" or status == "does not apply" and ch.verdict != "not met":
            continue
        lower = ch.op in (">", ">=")
        value = ch.bound.value * (0.5 if lower == (ch.verdict == "met") else 2)
        shown = format_quantity(Quantity(value, ch.bound.unit, ""))
        plain = not ch.parameter or ch.parameter.split()[-1] in ("volume", "capacity", "frequency", "power")
        if not plain:
            return message("next_across_named", language, parameter=ch.parameter, value=shown)
        return message("next_across_only" if value < ch.bound.value else "next_across", language, value=shown)
    return ""


def as_follow_up(text: str, asks: list[FactAsk]) -> str:
    """A reply typed to the last answer's prompts, as the follow-up it stands for: an option's name
    ("glass-lined steel") or a bare value ("0.1%", "5" for a count) for the one prompt that takes a value;
    other text as typed.

    A bare "0.1%" says nothing of what it measures, so on its own it would answer no threshold.
    """
    said = text.strip()
    for ask in asks:
        option = next((o for o in ask.options if o.lower() == said.lower()), None)
        if option is not None:
            return ask.follow_up(option)
    valued = [ask for ask in asks if not ask.options and (ask.prefix or ask.suffix)]
    quantities = parse_quantities(said)
    rest = said
    for q in quantities:
        rest = rest.replace(q.text, " ")
    bare_value = bool(quantities) and not re.search(r"[^\W\d_]", rest)
    if len(valued) == 1 and (bare_value or valued[0].suffix and said.isdigit()):
        return valued[0].follow_up(said)
    return text
