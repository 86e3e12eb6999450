"""API tests use the `token_for` and `api` fixtures of tests/conftest.py."""
