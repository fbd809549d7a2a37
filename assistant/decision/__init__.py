"""Deciding: one item's criteria tree against the goods' facts, Notes, the answer's decision, asks."""
