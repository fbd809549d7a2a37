"""Benchmarks: speed and quality figures, printed by `python -m bench.ingest` and `python -m bench.answers`."""
