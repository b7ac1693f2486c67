"""Inventory sources: osquery (preferred) and native package databases."""
