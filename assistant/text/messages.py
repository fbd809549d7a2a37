"""The answer's fixed sentences in each language the answer can be given in (English and French).

An officer who asks in French reads the decision line, the headings, the checks and the disclaimer in French;
the quoted control text stays as the list states it. `render.py` looks every fixed sentence up here, so a
new language is a new table, not a change to how an answer looks. Questions in a language without a table
(Spanish, Russian, Arabic, Chinese) are answered in English, with the terms read from them shown.
"""

from __future__ import annotations

ANSWER_LANGUAGES = ("en", "fr")

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "disclaimer": "This is a lead for the officer, not a legal classification. Confirm the goods' technical "
        "parameters and consult your licensing authority or technical reachback before release or "
        "seizure.",
        "no_match": "No entry in the ingested control lists fits these goods as described. Check the goods' "
        "technical parameters (material of construction, capacity, frequency, purity) and ask again "
        "with them, or name a control code or CAS number.",
        "not_understood": "The question could not be understood: too few of its words are known to the control "
        "lists or the glossary. This is not a finding that the goods are uncontrolled. Ask in "
        "English or French words, or give a control code (2B350) or a CAS number (111-48-8).",
        "no_list": "No control list is loaded, so these goods were not checked against any list: this is not a "
        "finding that they are uncontrolled. Add the official lists: `stce lists fetch` downloads them from their "
        "publishers, `stce ingest FILE` reads a copy (or set STCE_LISTS_DIR to a folder of them), and an editor "
        "can add one on the Sources page.",
        "no_list_selected": "None of the lists selected is a control list, so these goods were not checked against "
        "any: this is not a finding that they are uncontrolled. Select a control list ({lists}) and ask again.",
        "preparing": "Still being prepared, not searched yet: {lists}.",
        "likely-controlled": "Likely controlled",
        "needs-facts": "Needs facts",
        "not-controlled-as-described": "Not controlled as described",
        "no-match": "No match",
        "no-list": "No control list loaded",
        "applies": "applies",
        "undetermined": "needs facts",
        "does not apply": "does not apply",
        "line_likely": "Likely controlled: {item} ({list}) applies: {reason}",
        "line_needs": "Needs facts: {item} ({list}) may apply; it turns on {needs}",
        "line_needs_reason": "Needs facts: {item} ({list}) may apply; {reason}",
        "stated": ". Stated: {stated}",
        "line_not_applies": "Not controlled as described: {item} ({list}) does not apply: {why}",
        "line_not_controlled": "Not controlled as described: {ruled}",
        "also_ruled_out": ". Also ruled out: {others}",
        "line_falls": ". Falls to {falls}.",
        "read_as": "Read as:",
        "nothing_read": "no goods, quantities or codes recognised",
        "follow_up_to": " (follow-up to: {earlier})",
        "follow_up_searched": " (follow-up, searched as: {query})",
        "tell_me": "**To decide, tell me:**",
        "next_questions": "**Next questions:**",
        "more_thresholds": "{n} more threshold{s} of this entry not shown",
        "translated": "Translated from {name}:",
        "aliases_read": "Common names read as the lists' terms:",
        "ui_title": "Identify strategic goods",
        "ui_describe": "Describe the goods as declared or seen: what it is, its material, capacity and other figures "
        "on the nameplate; or give a control code or CAS number. Follow-up questions keep the goods. "
        "For example:",
        "ui_placeholder": "Describe the goods, e.g. glass-lined reactor, 1000 litres",
        "ui_blank": "Describe the goods, or give a control code or CAS number.",
        "read_as_title": "“{title}” is the goods' title, not the agent",
        "ui_searching": "Searching the lists...",
        "note": "Note:",
        "entries": "**Control entries**, best first:",
        "guidance": "**What to look for and what to do next:**",
        "flagged": "Flagged at ingest, not advice:",
        "ask": "Ask:",
        "also_check": "Also check:",
        "ask_material": "What material are the wetted parts (surfaces in contact with the chemical) made of?",
        "ask_chemical": "Which chemical exactly? Its CAS number?",
        "ask_exclusion": "Does this exclusion hold: {text}?",
        "ask_feature": "Does it have {property}? ({text})",
        "ask_property": "What is the {property}{about}? ({text})",
        "ask_count": "How many {property}? ({text})",
        "ask_about": " of the {subject}",
        "deciding parameter": "deciding parameter",
        "check": "{parameter}{about}: {asked} vs {threshold}: {verdict}",
        "met": "met",
        "not listed": "not listed",
        "threshold_else_excluded": "{op} {bound} (else excluded by {note})",
        "op_>": "more than",
        "op_>=": "at least",
        "op_<": "less than",
        "op_<=": "at most",
        "the note": "the note",
        "not met": "not met",
        "not stated": "not stated",
        "not stated in the question": "not stated in the question",
        "reason_not_goods": "{goods} is not {what}",
        "reason_what_controls": "what {code} controls",
        "reason_excluded": "excluded: {text}",
        "reason_specifications_met": "the stated facts meet {item}, though the goods are named otherwise: confirm "
        "what the goods are",
        "reason_no_criteria": "{code} states no checkable criteria",
        "reason_no_branch": "no branch of the item fits the goods",
        "reason_not_stated": "not stated: {property} ({text})",
        "reason_meets": "{said} meets {property} ({text})",
        "reason_does_not_meet": "{said} does not meet {property} ({text})",
        "reason_material_not_stated": "not stated: the material of the wetted surfaces ({text})",
        "reason_material_listed": "{names} is a listed material ({listed})",
        "reason_material_not_listed": "{names} is not one of the listed materials ({listed})",
        "reason_chemical_not_stated": "not stated: which chemical ({text} is listed)",
        "reason_chemical_listed": "{stated} is listed ({name})",
        "reason_chemical_not_listed": "{stated} is not listed ({name})",
        "reason_inside": "{shown} lies inside {low} and {high}",
        "reason_outside": "{shown} lies outside {low} and {high}",
        "reason_threshold_meets": "{shown} meets {property} {text}",
        "reason_threshold_not_met": "{shown} does not meet {property} {text}",
        "reason_list_names": "the list names the goods: {line}",
        "reason_goods_are": "the goods are what {code} names: {subject} (the entry sets no figure to check)",
        "reason_note_names": "excluded, the goods are what its Note names ({phrase}): {text}",
        "reason_note_conditions": "excluded, the goods meet every condition of its Note: {found}",
        "reason_note_cas": "excluded, its Note names the goods' CAS number: {note}",
        "reason_other_class": "the goods are of another class than {code} controls: {note}",
        "reason_controls_other": "{code} controls {names}; the goods are {goods}",
        "phrase_listed_material": "{stated} is a listed material",
        "phrase_unlisted_material": "{stated} is not a listed material",
        "phrase_material_not_stated": "the wetted material is not stated",
        "phrase_chemical_listed": "{stated} is listed",
        "phrase_chemical_not_listed": "{stated} is not listed",
        "phrase_chemical_not_named": "the chemical is not named",
        "phrase_not_stated": "{parameter} not stated ({threshold})",
        "phrase_meets": "{parameter} {asked} meets {threshold}",
        "phrase_does_not_meet": "{parameter} {asked} does not meet {threshold}",
        "phrase_inside": "{parameter} {asked} lies inside {low} - {high}",
        "phrase_outside": "{parameter} {asked} lies outside {low} - {high}",
        "turns_material": "the wetted material",
        "turns_chemical": "which chemical it is",
        "turns_feature": "whether it has {property}",
        "turns_parameter": "a parameter",
        "same_item": "Same item:",
        "example": "e.g. {options}",
        "the_list": "the list: {threshold}",
        "label_material": "Wetted material?",
        "label_chemical": "Which chemical exactly? Its CAS number?",
        "label_count": "How many {name}?",
        "label_property": "{name}?",
        "next_across_only": "and if it is only {value}?",
        "next_across": "and if it is {value}?",
        "next_across_named": "and if the {parameter} is {value}?",
        "next_material": "and if the wetted parts were {material}?",
        "next_code": "What does {code} control?",
        "whole_entry": "Whole entry, all thresholds of this entry, notes and related entries",
        "source_line": "Source **{source}**, list {list}, {version}",
        "page": ", page {page}",
        "cites": "cites",
        "col_parameter": "parameter",
        "col_about": "about",
        "col_asked": "asked",
        "col_threshold": "threshold",
        "col_verdict": "verdict",
        "answered_in": "Answered in {ms} ms ({mode}).",
        "llm_written": "Written by a language model from the passages below; every citation, entry and figure checked.",
        "llm_fallback": "The language model's answer failed the checks or timed out; this is the extractive answer.",
        "next_questions_label": "Next questions",
        "guidance_label": "**What to look for and what to do next**",
        "unlabelled_version": "unlabelled version",
    },
    "fr": {
        "disclaimer": "Ceci est une piste pour l'agent, pas un classement juridique. Vérifiez les paramètres "
        "techniques des marchandises et consultez votre autorité de délivrance des licences ou votre "
        "appui technique avant toute mainlevée ou saisie.",
        "no_match": "Aucune rubrique des listes de contrôle chargées ne correspond à ces marchandises telles que "
        "décrites. Vérifiez leurs paramètres techniques (matériau de construction, capacité, "
        "fréquence, pureté) et reposez la question avec ceux-ci, ou indiquez un code de contrôle ou "
        "un numéro CAS.",
        "not_understood": "La question n'a pas pu être comprise : trop peu de ses mots sont connus des listes de "
        "contrôle ou du glossaire. Ce n'est pas une conclusion que les marchandises ne sont pas "
        "contrôlées. Posez-la avec des mots français ou anglais, ou indiquez un code de contrôle "
        "(2B350) ou un numéro CAS (111-48-8).",
        "no_list": "Aucune liste de contrôle n'est chargée : ces marchandises n'ont été comparées à aucune liste, "
        "ce n'est pas une conclusion qu'elles ne sont pas contrôlées. Ajoutez les listes officielles : "
        "`stce lists fetch` les télécharge de leurs éditeurs, `stce ingest FICHIER` en lit une copie (ou "
        "STCE_LISTS_DIR désigne un dossier de listes), et un éditeur peut en ajouter une sur la page Sources.",
        "no_list_selected": "Aucune des listes choisies n'est une liste de contrôle : ces marchandises n'ont été "
        "comparées à aucune, ce n'est pas une conclusion qu'elles ne sont pas contrôlées. Choisissez une liste de "
        "contrôle ({lists}) et reposez la question.",
        "preparing": "Encore en préparation, pas encore consultées : {lists}.",
        "likely-controlled": "Probablement contrôlé",
        "needs-facts": "Informations manquantes",
        "not-controlled-as-described": "Non contrôlé tel que décrit",
        "no-match": "Aucune correspondance",
        "no-list": "Aucune liste de contrôle chargée",
        "applies": "s'applique",
        "undetermined": "informations manquantes",
        "does not apply": "ne s'applique pas",
        "line_likely": "Probablement contrôlé : {item} ({list}) s'applique : {reason}",
        "line_needs": "Informations manquantes : {item} ({list}) pourrait s'appliquer ; cela dépend de : {needs}",
        "line_needs_reason": "Informations manquantes : {item} ({list}) pourrait s'appliquer ; {reason}",
        "stated": ". Indiqué : {stated}",
        "line_not_applies": "Non contrôlé tel que décrit : {item} ({list}) ne s'applique pas : {why}",
        "line_not_controlled": "Non contrôlé tel que décrit : {ruled}",
        "also_ruled_out": ". Également écartées : {others}",
        "line_falls": ". Relève de {falls}.",
        "read_as": "Lu comme :",
        "nothing_read": "aucune marchandise, quantité ni code reconnus",
        "follow_up_to": " (suite de : {earlier})",
        "follow_up_searched": " (suite, recherché comme : {query})",
        "tell_me": "**Pour décider, indiquez :**",
        "next_questions": "**Questions suivantes :**",
        "more_thresholds": "{n} autre(s) seuil(s) de cette rubrique non affiché(s)",
        "translated": "Traduit du {name} :",
        "aliases_read": "Noms courants lus comme les termes des listes :",
        "ui_title": "Identifier les biens stratégiques",
        "ui_describe": "Décrivez les marchandises telles que déclarées ou vues : ce qu'elles sont, leur matériau, "
        "leur capacité et les autres valeurs de la plaque signalétique ; ou indiquez un code de "
        "contrôle ou un numéro CAS. Les questions de suite gardent les marchandises. Par exemple :",
        "ui_placeholder": "Décrivez les marchandises, p. ex. réacteur émaillé de 1 000 litres",
        "ui_blank": "Décrivez les marchandises, ou indiquez un code de contrôle ou un numéro CAS.",
        "read_as_title": "« {title} » est le titre des marchandises, pas l'agent",
        "ui_searching": "Recherche dans les listes...",
        "note": "Remarque :",
        "entries": "**Rubriques de contrôle**, la plus pertinente d'abord :",
        "guidance": "**Points à vérifier et suite à donner :**",
        "flagged": "Signalé à l'ingestion, pas un conseil :",
        "ask": "À demander :",
        "also_check": "Voir aussi :",
        "ask_material": "En quel matériau sont les parties mouillées (surfaces en contact avec le produit chimique) ?",
        "ask_chemical": "Quel produit chimique exactement ? Son numéro CAS ?",
        "ask_exclusion": "Cette exclusion s'applique-t-elle : {text} ?",
        "ask_feature": "Les marchandises ont-elles cette caractéristique : {property} ? ({text})",
        "ask_property": "Quelle est la valeur de « {property} »{about} ? ({text})",
        "ask_count": "Combien de « {property} » ? ({text})",
        "ask_about": " ({subject})",
        "deciding parameter": "paramètre déterminant",
        "check": "{parameter}{about} : {asked} contre {threshold} : {verdict}",
        "met": "atteint",
        "not listed": "non listé",
        "threshold_else_excluded": "{op} {bound} (sinon exclu par {note})",
        "op_>": "plus de",
        "op_>=": "au moins",
        "op_<": "moins de",
        "op_<=": "au plus",
        "the note": "la note",
        "not met": "non atteint",
        "not stated": "non indiqué",
        "not stated in the question": "non indiqué dans la question",
        "reason_not_goods": "{goods} n'est pas {what}",
        "reason_what_controls": "ce que contrôle {code}",
        "reason_excluded": "exclu : {text}",
        "reason_specifications_met": "les faits déclarés remplissent {item}, bien que les marchandises portent un "
        "autre nom : confirmer ce que sont les marchandises",
        "reason_no_criteria": "{code} n'énonce aucun critère vérifiable",
        "reason_no_branch": "aucune branche de la rubrique ne correspond aux marchandises",
        "reason_not_stated": "non indiqué : {property} ({text})",
        "reason_meets": "{said} remplit {property} ({text})",
        "reason_does_not_meet": "{said} ne remplit pas {property} ({text})",
        "reason_material_not_stated": "non indiqué : le matériau des surfaces mouillées ({text})",
        "reason_material_listed": "{names} est un matériau de la liste ({listed})",
        "reason_material_not_listed": "{names} n'est pas un des matériaux de la liste ({listed})",
        "reason_chemical_not_stated": "non indiqué : quel produit chimique ({text} figure sur la liste)",
        "reason_chemical_listed": "{stated} figure sur la liste ({name})",
        "reason_chemical_not_listed": "{stated} ne figure pas sur la liste ({name})",
        "reason_inside": "{shown} est compris entre {low} et {high}",
        "reason_outside": "{shown} n'est pas compris entre {low} et {high}",
        "reason_threshold_meets": "{shown} atteint {property} {text}",
        "reason_threshold_not_met": "{shown} n'atteint pas {property} {text}",
        "reason_list_names": "la liste nomme les marchandises : {line}",
        "reason_goods_are": "les marchandises sont ce que nomme {code} : {subject} (la rubrique ne fixe aucune valeur à vérifier)",
        "reason_note_names": "exclu, les marchandises sont ce que nomme sa Note ({phrase}) : {text}",
        "reason_note_conditions": "exclu, les marchandises remplissent chaque condition de sa Note : {found}",
        "reason_note_cas": "exclu, sa Note nomme le numéro CAS des marchandises : {note}",
        "reason_other_class": "les marchandises sont d'une autre classe que celle que contrôle {code} : {note}",
        "reason_controls_other": "{code} contrôle {names} ; les marchandises sont {goods}",
        "phrase_listed_material": "{stated} est un matériau de la liste",
        "phrase_unlisted_material": "{stated} n'est pas un matériau de la liste",
        "phrase_material_not_stated": "le matériau mouillé n'est pas indiqué",
        "phrase_chemical_listed": "{stated} figure sur la liste",
        "phrase_chemical_not_listed": "{stated} ne figure pas sur la liste",
        "phrase_chemical_not_named": "le produit chimique n'est pas nommé",
        "phrase_not_stated": "{parameter} non indiqué ({threshold})",
        "phrase_meets": "{parameter} {asked} atteint {threshold}",
        "phrase_does_not_meet": "{parameter} {asked} n'atteint pas {threshold}",
        "phrase_inside": "{parameter} {asked} compris entre {low} et {high}",
        "phrase_outside": "{parameter} {asked} hors de {low} - {high}",
        "turns_material": "le matériau mouillé",
        "turns_chemical": "quel produit chimique c'est",
        "turns_feature": "la présence de « {property} »",
        "turns_parameter": "un paramètre",
        "same_item": "Même article :",
        "example": "p. ex. {options}",
        "the_list": "la liste : {threshold}",
        "label_material": "Matériau mouillé ?",
        "label_chemical": "Quel produit chimique exactement ? Son numéro CAS ?",
        "label_count": "Combien de « {name} » ?",
        "label_property": "{name} ?",
        "next_across_only": "et si c'est seulement {value} ?",
        "next_across": "et si c'est {value} ?",
        "next_across_named": "et si « {parameter} » est {value} ?",
        "next_material": "et si les parties mouillées étaient en {material} ?",
        "next_code": "Que contrôle {code} ?",
        "whole_entry": "Rubrique entière, tous ses seuils, notes et rubriques liées",
        "source_line": "Source **{source}**, liste {list}, {version}",
        "page": ", page {page}",
        "cites": "cite",
        "col_parameter": "paramètre",
        "col_about": "objet",
        "col_asked": "indiqué",
        "col_threshold": "seuil",
        "col_verdict": "verdict",
        "answered_in": "Répondu en {ms} ms ({mode}).",
        "llm_written": "Rédigé par un modèle de langue à partir des passages ci-dessous ; chaque citation, rubrique et valeur vérifiée.",
        "llm_fallback": "La réponse du modèle de langue a échoué aux vérifications ou a expiré ; voici la réponse extractive.",
        "next_questions_label": "Questions suivantes",
        "guidance_label": "**Points à vérifier et suite à donner**",
        "unlabelled_version": "version sans libellé",
    },
}
LANGUAGE_NAMES = {
    "fr": {"en": "anglais", "fr": "français", "es": "espagnol", "ru": "russe", "ar": "arabe", "zh": "chinois"}
}


def message(key: str, language: str = "en", **values: str) -> str:
    """A fixed sentence in `language` (English where there is no table for it), with `values` filled in."""
    table = MESSAGES.get(language, MESSAGES["en"])
    return table.get(key, MESSAGES["en"].get(key, key)).format(**values)


def answer_language(question_language: str, chosen: str | None = None) -> str:
    """The language of the answer's sentences: the one chosen in the UI, else the question's if there is a
    table for it, else English."""
    if chosen in ANSWER_LANGUAGES:
        return chosen
    return question_language if question_language in ANSWER_LANGUAGES else "en"


class Phrase(str):
    """A fixed sentence with its values: reads as its English text wherever a plain string is expected (JSON,
    the audit trail, tests), and is said again in the answer's language by `say`. The decision layer builds
    its reasons as phrases, since it does not know which language the answer will be given in."""

    key: str
    values: dict[str, str]

    def __new__(cls, key: str, **values: str) -> Phrase:
        text = super().__new__(cls, message(key, "en", **{k: str(v) for k, v in values.items()}))
        text.key, text.values = key, values
        return text

    def __reduce__(self) -> tuple[object, ...]:
        return (_phrase, (self.key, self.values))


def _phrase(key: str, values: dict[str, str]) -> Phrase:
    return Phrase(key, **values)


def say(text: str, language: str = "en") -> str:
    """`text` in `language` when it is a phrase (its values said too), else as it stands.

    >>> say(Phrase("reason_excluded", text="Note 1"), "fr")
    'exclu : Note 1'
    >>> say("plain", "fr")
    'plain'
    """
    if isinstance(text, Phrase):
        return message(text.key, language, **{k: say(v, language) for k, v in text.values.items()})
    return text
