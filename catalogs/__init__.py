"""Configurable reference data (справочники): models, admin views, predefined rows, readers."""
