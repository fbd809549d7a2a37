"""The starter corpus as package data: curriculum modules (`curriculum/*.md`) and trainer scenarios.

A package so that `pip install` ships it; `Settings.corpus_dir` finds it through `importlib.resources`.
"""
