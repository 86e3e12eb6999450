"""The audit log: who changed what, written by a session listener."""
