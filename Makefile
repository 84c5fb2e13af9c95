# mic: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt sdl install clean bench bench-peer migration

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

## Run the service on embedded SQLite with the demo programme; GraphiQL at http://127.0.0.1:8000/graphql
## (another port: make run PORT=8123)
PORT ?= 8000
run: $(STAMP)
	$(BIN)/mic migrate
	$(BIN)/mic seed-demo --if-empty
	$(BIN)/mic serve --host 127.0.0.1 --port $(PORT)

## Run the tests (SQLite; set MIC_TEST_DATABASE_URL=postgres://... for PostgreSQL)
test: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check api policies models schema services demo tests bench
	$(BIN)/mypy api policies models schema services demo

fmt: $(STAMP)
	$(BIN)/ruff format api policies models schema services demo tests bench
	$(BIN)/ruff check --fix .

## Regenerate the committed SDL after a schema change
sdl: $(STAMP)
	$(BIN)/python -c "from schema.root import sdl; open('schema/schema.graphql','w').write(sdl())"

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

## Benchmark: mic served over HTTP against a hand-written baseline (see bench/README.md); DB=postgres
DB ?= sqlite
bench: $(STAMP)
	$(BIN)/python -m bench.run --db $(DB) --scales 1,10 --rounds 3

## Benchmark on PostgreSQL with PostGraphile 5 as the peer (see bench/README.md)
bench-peer: $(STAMP)
	$(BIN)/python -m bench.run --db postgres --scales 1,10 --rounds 3 --peer

## After changing a model: write its migration (make migration NAME=what_changed); a test fails until then
migration: $(STAMP)
	@test -n "$(NAME)" || (echo "usage: make migration NAME=what_changed" && exit 2)
	$(BIN)/tortoise -c api.tortoise_cli.TORTOISE_ORM makemigrations -n $(NAME)
