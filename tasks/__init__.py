"""RQ jobs: thin entry points that take ids, call one service, and are safe to run twice."""
