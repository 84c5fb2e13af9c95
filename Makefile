# mic: the two commands a newcomer needs are `make run` and `make test`.
# Another interpreter or virtualenv: make install PYTHON=python3.13 VENV=.venv-3.13 (3.11 to 3.13).
# The first of python3.11, 3.12, 3.13 that runs (a pyenv shim of a version not selected fails).
PYTHON ?= $(firstword $(foreach p,python3.11 python3.12 python3.13,\
	$(shell $(p) -c 'import sys' >/dev/null 2>&1 && echo $(p))) python3.11)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint fmt sdl install lock clean bench bench-peer migration

# Every package from the lock, each checked against its hashes, nothing resolved here (--no-deps:
# the lock is complete); then the project itself, built by the locked setuptools
# (--no-build-isolation, so no unhashed build backend is downloaded).
$(STAMP): requirements-dev.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements-dev.lock
	@# setuptools warns that ./api etc. shadow the installed packages: that is this layout's point.
	PYTHONWARNINGS="ignore:Editable installation" \
		$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $(STAMP)

install: $(STAMP)

## After changing a pin in pyproject.toml: regenerate requirements.lock and requirements-dev.lock
## (hashes of every file of every package, one resolution for Python 3.11 to 3.13 on any platform;
## other versions stay as locked unless UPGRADE=1). tests/test_lock.py fails until then.
LOCK_FLAGS = --quiet --generate-hashes --universal --python-version 3.11 \
	--custom-compile-command 'make lock' $(if $(UPGRADE),--upgrade)
# The build backend (setuptools, from [build-system]) is locked too: `make install` and the
# Dockerfile build the project with it.
BUILD_REQUIRES = $(BIN)/python -c "import tomllib; \
	print(*tomllib.load(open('pyproject.toml', 'rb'))['build-system']['requires'], sep='\n')"
lock: $(STAMP)
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - --extra dev $(LOCK_FLAGS) \
		-o requirements-dev.lock
	@# The runtime set is the dev set less the dev tools: same versions (-c), so tests run what ships.
	$(BUILD_REQUIRES) | $(BIN)/uv pip compile pyproject.toml - -c requirements-dev.lock \
		$(LOCK_FLAGS) -o requirements.lock

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
