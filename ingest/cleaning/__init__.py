"""Cleaning rules, split by concern: generic line rules, footnotes, hyphenation, and the
navigation debris of the Justitie handreiking. `ingest.clean.clean_text` composes them per
document profile."""
