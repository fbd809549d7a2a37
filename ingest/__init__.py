"""Ingestion: load documents, split them into control-list entries, index the passages."""
