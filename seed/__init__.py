"""Predefined and demo data."""
