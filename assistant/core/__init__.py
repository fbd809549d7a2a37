"""The ground floor: records, errors, settings, code patterns, private files. Imports nothing of ours."""
