"""The index: registry, snapshots, Chroma store, the live view and its atomic switch, integrity."""
