"""Use cases: explicit inputs (session, ids/values, clock, dispatcher); one transaction each."""
