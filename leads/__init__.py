"""Leads, meetings, the call-centre's call tasks and the follow-up cadences that workers run (seed 004)."""
