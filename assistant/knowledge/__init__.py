"""Loaders of the knowledge editors extend in corpus/ (materials, kinds of goods), validated on load."""
