"""Outgoing and inbound messages: the outbox, gateways, delivery backoff, the signed webhook."""
