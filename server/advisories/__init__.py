"""Advisories as stored: upsert of normalised feed output, enrichment, re-matching."""
