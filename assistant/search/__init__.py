"""Finding candidate entries for a question: codes, CAS numbers, BM25 and vectors."""
