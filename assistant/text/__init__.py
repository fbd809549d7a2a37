"""Language and numbers: which language, the glossary, fixed sentences, quantities and units."""
