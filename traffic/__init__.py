"""Incoming traffic (calls and walk-ins): registration, notify-until-claimed, processing, telephony."""
