# syntax=docker/dockerfile:1
#
# mic: GraphQL service for the Guangxi Manufacturing Innovation Centre programme.
#
#   docker build -t mic .
#   docker run --rm -p 8000:8000 --stop-timeout 30 \
#       -e MIC_TOKEN_SECRET="$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')" \
#       -e MIC_DATABASE_URL=postgres://mic:PASSWORD@HOST:5432/mic \
#       -e MIC_MIGRATE_ON_START=1 mic
#
# Build arguments:
#   PYTHON_VERSION    3.11 (default), 3.12 or 3.13: the python:<version>-slim-bookworm base image
#   PIP_INDEX_URL     a package-index mirror, e.g. --build-arg PIP_INDEX_URL=https://mirror.example/simple
#   PIP_TRUSTED_HOST  that mirror's host name, only if it is served over plain HTTP
# The mirror settings reach pip in the builder stage only: the runtime image holds neither (still,
# a URL with a password in it shows in the builder's layer history: prefer a mirror without one).
# Whatever the index, every file pip installs must match a hash in requirements.lock.
#
# See compose.yaml for a PostgreSQL set-up and the demo profile (development mode, GraphiQL).
# MIC_ENV defaults to production, which refuses to start without MIC_TOKEN_SECRET (>= 32
# characters) and serves no GraphiQL.

ARG PYTHON_VERSION=3.11

# ---------------------------------------------------------------------------
# builder: the locked dependencies, then the package, into /opt/venv
# ---------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS builder

# Declared in this stage only, so they never reach the runtime stage. pip reads them from the
# environment; empty (the default) means pip's own default index.
ARG PIP_INDEX_URL=""
ARG PIP_TRUSTED_HOST=""

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_INPUT=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src

# Dependencies first, in their own layer, so that a code-only change does not re-download them:
# every package of requirements.lock (runtime only, no dev tools), each file checked against its
# hashes, nothing resolved (--no-deps: the lock is complete). The lock includes setuptools, the
# build backend used below.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes --no-deps -r requirements.lock

# Then the package itself (not editable: code and package data land in site-packages), built by
# the locked setuptools (--no-build-isolation: no unhashed build backend is downloaded) and with no
# dependency resolved (--no-deps). `pip check` fails the build if the lock misses a dependency.
# `README.md*` matches nothing harmlessly if there is no README (pyproject.toml declares it).
COPY pyproject.toml README.md* ./
COPY api ./api
COPY models ./models
COPY policies ./policies
COPY schema ./schema
COPY services ./services
COPY demo ./demo
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
    && pip check \
    && mic --help > /dev/null

# ---------------------------------------------------------------------------
# runtime
# ---------------------------------------------------------------------------
FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    MIC_ENV=production

RUN groupadd --system --gid 10001 mic \
    && useradd --system --uid 10001 --gid 10001 --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin mic

# The venv's interpreter is a symlink to /usr/local/bin/python3.X, which exists
# here too because both stages use the same base image (the same PYTHON_VERSION).
COPY --from=builder /opt/venv /opt/venv
COPY --chmod=0755 docker/entrypoint.sh /usr/local/bin/mic-entrypoint

# /app is the working directory; /app/var is the only writable place (the default
# SQLite URL is sqlite://./var/mic.sqlite3, relative to the working directory).
WORKDIR /app
RUN mkdir -p /app/var && chown 10001:10001 /app/var

USER 10001:10001

EXPOSE 8000

# Liveness only (/readyz also checks the database). No curl in slim: use Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]

# `mic serve` handles SIGTERM: stops accepting, lets requests in flight finish for
# MIC_GRACEFUL_SHUTDOWN_S (15 s), answers 503 UNAVAILABLE to those still running, closes the
# database pool and exits 0. Docker's default stop timeout (10 s) is shorter: run with
# `--stop-timeout 30` (compose.yaml sets stop_grace_period: 30s), or lower the variable.
ENV MIC_GRACEFUL_SHUTDOWN_S=15
STOPSIGNAL SIGTERM

# `mic serve` bounds each connection (api/transport.py), per worker: request head at most
# MIC_MAX_HEADER_BYTES (32 KiB, else 431), head within MIC_HEADER_TIMEOUT_S (10 s) and body within
# MIC_BODY_TIMEOUT_S (120 s, else 408), idle keep-alive MIC_KEEP_ALIVE_S (5 s), and at most
# MIC_MAX_CONNECTIONS (1000) connections (else 503). Give the container `--ulimit nofile=65536`
# when raising the last one; the entrypoint warns when the file limit is below it.
#
# The entrypoint execs `mic serve --host 0.0.0.0 --port 8000 --workers ${MIC_WORKERS:-2}`
# (after `mic migrate` when MIC_MIGRATE_ON_START=1). Other commands, e.g.
#   docker run ... mic seed-demo --if-empty
#   docker run ... -e MIC_ADMIN_PASSWORD=... mic create-admin alice
# run `mic <command>` instead.
ENTRYPOINT ["/usr/local/bin/mic-entrypoint"]
CMD ["serve"]
