"""Answering: the one Assistant API, rendering, screening, the audit trail and the optional LLM."""
