# Two commands: `make run` (everything, on SQLite + the embedded Redis) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi

.PHONY: run test install migrate seed lint translations clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	FLASK_DEBUG=1 $(BIN)/flask db upgrade

seed: migrate
	FLASK_DEBUG=1 $(BIN)/flask seed predefined
	FLASK_DEBUG=1 $(BIN)/flask seed demo

# Redis first (the seed enqueues and the rate limiter counts there), then the seed, then web, worker and
# reconciler; Ctrl-C stops them and then Redis.
run: migrate
	@$(BIN)/python -m app.embedded_redis start
	@trap '$(BIN)/python -m app.embedded_redis stop' EXIT; \
	FLASK_DEBUG=1 $(BIN)/flask seed predefined && \
	FLASK_DEBUG=1 $(BIN)/flask seed demo && \
	echo "" && \
	echo "  Dashboard: http://127.0.0.1:$${WEB_PORT:-5000}/   (logins above; Ctrl-C stops web, worker and Redis)" && \
	echo "" && \
	FLASK_DEBUG=1 $(BIN)/honcho start -f Procfile web worker reconciler

test: install
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -n $${TEST_WORKERS:-2} --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

translations: install
	bash tools/update_translations.sh

clean:
	rm -rf $(VENV) .pytest_cache instance/dashboard.sqlite3*
