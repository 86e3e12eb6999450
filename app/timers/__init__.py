"""The durable timer engine: timers in the database, fired by RQ, reconciled after a loss."""
