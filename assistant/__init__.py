"""STCE Assistant core: settings, domain types, the passage store and answering."""
