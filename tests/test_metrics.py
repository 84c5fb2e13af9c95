"""/metrics: request counts and latency by operation name and outcome code, the database pool,
login failures and documents stored, parsed with prometheus-client's own parser; who may read
them (the metrics token, else loopback clients only); several workers summed in one scrape.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from tortoise.transactions import in_transaction

from api import metrics
from api.app import create_app
from api.metrics import MAX_ANONYMOUS_NAMES, operation_label, operation_name, outcome_code
from api.settings import Settings
from models.accounts import RoleName, User
from models.reference import OrganisationKind
from tests.helpers import PASSWORD, World, error_codes

METRICS_TOKEN = "metrics-token-0123456789abcdef"
PDF = b"%PDF-1.7\n" + os.urandom(10_000) + b"\n%%EOF\n"
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of a scrape, by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


async def _client(
    settings: Settings, host: str, **changes: object
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings.model_copy(update=changes), manage_db=False)
    transport = httpx.ASGITransport(app=app, client=(host, 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:
        yield http


@pytest.fixture
async def scraper(settings: Settings, database: None) -> AsyncIterator[httpx.AsyncClient]:
    """A client from a public address, with the metrics token configured."""
    async for http in _client(settings, "203.0.113.7", metrics_token=METRICS_TOKEN):
        yield http


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


async def gql(
    http: httpx.AsyncClient, query: str, token: str | None = None, name: str | None = None
) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    body: dict[str, object] = {"query": query}
    if name is not None:
        body["operationName"] = name
    return await http.post("/graphql", json=body, headers=headers)


REQUESTS = "mic_http_requests_total"


async def test_requests_are_counted_by_operation_name_and_outcome_code(
    scraper: httpx.AsyncClient, world: World
) -> None:
    # given a signed-in expert, and the counts before
    expert = await world.user(RoleName.EXPERT)
    token = world.token(expert)
    before = await scrape(scraper)
    # when they ask for themselves twice, for the calendar (experts have none) once, send a
    # broken query once and an anonymous one once, and someone asks without a token
    for _ in range(2):
        assert (await gql(scraper, "query WhoAmI { me { id } }", token)).status_code == 200
    forbidden = await gql(scraper, "query Calendar { regulatoryCalendar { __typename } }", token)
    assert error_codes(forbidden.json()) == ["FORBIDDEN"]
    broken = await gql(scraper, "query Broken { me { id ", token)
    assert error_codes(broken.json()) == ["BAD_USER_INPUT"]
    await gql(scraper, "{ me { id } }", token)
    unauthenticated = await gql(scraper, "query WhoAmI { me { id } }")
    assert error_codes(unauthenticated.json()) == ["UNAUTHENTICATED"]
    assert (await scraper.get("/healthz")).status_code == 200
    after = await scrape(scraper)

    # then each is counted under its operation name and code, with a latency observation
    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta(REQUESTS, operation="WhoAmI", code="OK") == 2
    assert delta(REQUESTS, operation="WhoAmI", code="UNAUTHENTICATED") == 1
    assert delta(REQUESTS, operation="Calendar", code="FORBIDDEN") == 1
    # a document that does not parse names no operation the service could know
    assert delta(REQUESTS, operation="anonymous", code="BAD_USER_INPUT") == 1
    assert delta(REQUESTS, operation="anonymous", code="OK") == 1
    assert delta(REQUESTS, operation="GET /healthz", code="2xx") == 1
    latency = "mic_http_request_duration_seconds_count"
    assert delta(latency, operation="WhoAmI", code="OK") == 2
    assert (
        value(
            after,
            "mic_http_request_duration_seconds_bucket",
            operation="WhoAmI",
            code="OK",
            le="+Inf",
        )
        >= 2
    )


async def test_routes_are_labelled_by_their_template_never_the_raw_path(
    scraper: httpx.AsyncClient, world: World
) -> None:
    # given a staff member and an id that names no document
    token = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    missing = "0b5a5c3e-5f6d-4c4e-9d7a-2f0e6a9b8c71"
    # when they ask for its content, and someone asks for a path no route serves
    response = await scraper.get(
        f"/documents/{missing}/content", headers={"authorization": f"Bearer {token}"}
    )
    assert response.status_code == 404
    assert (await scraper.get(f"/nowhere/{missing}")).status_code == 404
    # and a token that is no token is refused before any route runs
    bad = await scraper.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"authorization": "Bearer x.y.z"}
    )
    assert bad.status_code == 401
    after = await scrape(scraper)
    # then the route's template is the label, and the id appears in no label
    assert value(after, REQUESTS, operation="GET /documents/{document_id}/content", code="4xx") >= 1
    assert value(after, REQUESTS, operation="GET unmatched", code="4xx") >= 1
    # (the middleware's refusal carries its own code, not only its status class)
    assert value(after, REQUESTS, operation="POST /graphql", code="UNAUTHENTICATED") >= 1
    assert not [key for key in after if any(missing in v for _, v in key[1])]


async def test_login_failures_are_counted_by_reason(
    scraper: httpx.AsyncClient, world: World
) -> None:
    # given a user, and the counts before
    user = await world.user(RoleName.PROVINCIAL_STAFF)
    before = await scrape(scraper)
    login = 'mutation SignIn { login(username: "%s", password: "%s") { token } }'
    # when someone signs in with a wrong password, then as nobody, then rightly
    wrong = await gql(scraper, login % (user.username, "not-the-password"))
    assert error_codes(wrong.json()) == ["UNAUTHENTICATED"]
    await gql(scraper, login % ("nobody-at-all", "whatever"))
    right = await gql(scraper, login % (user.username, PASSWORD))
    assert right.json()["data"]["login"]["token"]
    after = await scrape(scraper)
    # then two failures are counted, each with its reason, and the sign-ins by outcome
    failures = "mic_login_failures_total"
    for reason in ("wrong_password", "unknown_user"):
        assert value(after, failures, reason=reason) - value(before, failures, reason=reason) == 1
    assert value(after, failures, reason="locked") == value(before, failures, reason="locked")
    signed_in = value(after, REQUESTS, operation="SignIn", code="OK")
    assert signed_in - value(before, REQUESTS, operation="SignIn", code="OK") == 1
    # and no label carries a username
    assert not [key for key in after if any(user.username in v for _, v in key[1])]


async def test_a_locked_username_is_counted_as_locked(
    scraper: httpx.AsyncClient, world: World, settings: Settings
) -> None:
    # given a user whose username is guessed at until the throttle locks it
    user = await world.user(RoleName.PROVINCIAL_STAFF)
    before = await scrape(scraper)
    query = (
        "mutation SignIn($u: String!, $p: String!) { login(username: $u, password: $p) { token } }"
    )
    variables = {"u": user.username, "p": "not-the-password"}
    codes = []
    for _ in range(settings.login_max_failures + 1):
        response = await scraper.post("/graphql", json={"query": query, "variables": variables})
        codes += error_codes(response.json())
    assert codes[-1] == "RATE_LIMITED"
    # when the metrics are scraped
    after = await scrape(scraper)
    # then the refusals are counted as wrong passwords, then one as locked
    failures = "mic_login_failures_total"

    def delta(reason: str) -> float:
        return value(after, failures, reason=reason) - value(before, failures, reason=reason)

    assert delta("wrong_password") == settings.login_max_failures
    assert delta("locked") == 1
    assert value(after, REQUESTS, operation="SignIn", code="RATE_LIMITED") >= 1


async def test_documents_stored_are_read_at_scrape_time(
    scraper: httpx.AsyncClient, world: World
) -> None:
    # given no documents, then a centre's lead uploading one
    assert value(await scrape(scraper), "mic_documents_stored_versions") == 0
    lead_org = await world.organisation("450200")
    member = await world.organisation("450300", OrganisationKind.UNIVERSITY)
    centre = await world.centre(lead_org, members=[member])
    lead = await world.user(RoleName.ENTERPRISE, organisation=lead_org)
    response = await scraper.post(
        "/documents",
        content=PDF,
        headers={"authorization": f"Bearer {world.token(lead)}"},
        params={
            "centreId": str(centre.id),
            "kind": "CONSTRUCTION_PLAN",
            "title": "建设方案",
            "fileName": "plan.pdf",
        },
    )
    assert response.status_code in (200, 201), response.text
    # when the metrics are scraped
    after = await scrape(scraper)
    # then one version of its size is stored, and the upload was counted by its route
    assert value(after, "mic_documents_stored_versions") == 1
    assert value(after, "mic_documents_stored_bytes") == len(PDF)
    assert value(after, REQUESTS, operation="POST /documents", code="2xx") >= 1


async def test_the_pool_gauges_follow_connections_taken_and_callers_waiting(
    settings: Settings, dialect: str
) -> None:
    # given the pool idle
    def gauge(name: str) -> float:
        return REGISTRY.get_sample_value(name) or 0.0

    idle_in_use, idle_waiting = (
        gauge("mic_db_pool_connections_in_use"),
        gauge("mic_db_pool_waiting"),
    )
    assert gauge("mic_db_pool_connections_max") >= 1
    capacity = 1 if dialect == "sqlite" else settings.db_pool_max
    release, all_held = asyncio.Event(), asyncio.Event()
    holding = 0

    async def hold() -> None:
        nonlocal holding
        async with in_transaction() as conn:
            await conn.execute_query("SELECT 1")
            holding += 1
            if holding == capacity:
                all_held.set()
            await release.wait()

    async def count_users() -> int:
        return await User.all().count()

    # when every connection is held by a transaction and one more caller asks for one
    holders = [asyncio.create_task(hold()) for _ in range(capacity)]
    await all_held.wait()
    in_use = gauge("mic_db_pool_connections_in_use")
    waiter = asyncio.create_task(count_users())
    while gauge("mic_db_pool_waiting") == idle_waiting:  # noqa: ASYNC110 - nothing to await
        await asyncio.sleep(0.01)
    waiting = gauge("mic_db_pool_waiting")
    release.set()
    await asyncio.gather(*holders, waiter)
    # then all were in use and one caller waited; afterwards the pool is idle again
    assert in_use - idle_in_use == capacity
    assert waiting - idle_waiting == 1
    assert gauge("mic_db_pool_connections_in_use") == idle_in_use
    assert gauge("mic_db_pool_waiting") == idle_waiting


async def test_the_metrics_token_is_required_when_set(scraper: httpx.AsyncClient) -> None:
    # given the metrics token configured
    # when /metrics is asked without it, with a wrong one, with a JWT-looking one, and with it
    missing = await scraper.get("/metrics")
    wrong = await scraper.get("/metrics", headers={"authorization": "Bearer not-the-token-at-all"})
    basic = await scraper.get("/metrics", headers={"authorization": f"Basic {METRICS_TOKEN}"})
    right = await scraper.get("/metrics", headers={"authorization": f"Bearer {METRICS_TOKEN}"})
    # then only the right token is answered; the others get 401 in the service's JSON shape
    for refused in (missing, wrong, basic):
        assert refused.status_code == 401
        assert error_codes(refused.json()) == ["UNAUTHENTICATED"]
        assert refused.headers["www-authenticate"].startswith("Bearer")
        assert refused.json()["errors"][0]["extensions"]["requestId"]
    # (the authentication middleware left the token to the endpoint: it is no JWT)
    assert right.status_code == 200
    assert "mic_http_requests_total" in right.text


async def test_without_a_token_only_loopback_clients_are_answered(
    settings: Settings, database: None
) -> None:
    # given no metrics token (the default)
    assert settings.metrics_token is None
    # when a public client and a client on the loopback address ask
    async for public in _client(settings, "203.0.113.7"):
        refused = await public.get("/metrics")
    async for local in _client(settings, "127.0.0.1"):
        answered = await local.get("/metrics")
    async for local6 in _client(settings, "::1"):
        answered6 = await local6.get("/metrics")
    # then the public one is refused with 403 FORBIDDEN, the local ones get the metrics
    assert refused.status_code == 403
    assert error_codes(refused.json()) == ["FORBIDDEN"]
    assert "MIC_METRICS_TOKEN" in refused.json()["errors"][0]["message"]
    assert answered.status_code == 200 and answered6.status_code == 200
    assert parse(answered.text)


async def test_without_a_token_a_proxied_request_is_never_loopback(
    settings: Settings, database: None
) -> None:
    # given no metrics token, and uvicorn trusting every proxy (FORWARDED_ALLOW_IPS=*), which
    # rewrites the client's address from the left-most, client-written X-Forwarded-For entry
    from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

    app = ProxyHeadersMiddleware(create_app(settings, manage_db=False), trusted_hosts="*")
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as public:
        # when a public client claims to be loopback through any proxy header
        for header, claim in (
            ("x-forwarded-for", "127.0.0.1"),
            ("forwarded", "for=127.0.0.1"),
            ("x-real-ip", "::1"),
        ):
            refused = await public.get("/metrics", headers={header: claim})
            # then it is refused like any public client
            assert refused.status_code == 403, header
            assert error_codes(refused.json()) == ["FORBIDDEN"]
    # and a loopback client that came through a local proxy is refused too (set the token)
    async for local in _client(settings, "127.0.0.1"):
        proxied = await local.get("/metrics", headers={"x-forwarded-for": "10.1.2.3"})
    assert proxied.status_code == 403


async def test_anonymous_callers_cannot_fill_the_signed_in_callers_labels(
    settings: Settings, database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a worker that has seen no operation names yet
    monkeypatch.setattr(metrics, "_seen_operations", set())
    monkeypatch.setattr(metrics, "_seen_anonymously", set())
    async for http in _client(settings, "203.0.113.7", metrics_token=METRICS_TOKEN):
        # when callers without a token send more invented operation names than their budget
        for i in range(MAX_ANONYMOUS_NAMES + 5):
            await gql(http, f"query Invented{i} {{ __typename }}", name=f"Invented{i}")
        samples = await scrape(http)
    # then at most their budget became labels, the rest read "other"
    invented = {
        labels for (name, labels) in samples if name == REQUESTS and "Invented" in str(labels)
    }
    assert 0 < len(invented) <= MAX_ANONYMOUS_NAMES
    assert value(samples, REQUESTS, operation="other", code="OK") >= 5
    # and a signed-in caller's new name still gets its own label, past the anonymous budget
    assert operation_label("Invented999", signed_in=False) == "other"
    assert operation_label("RealScreen", signed_in=True) == "RealScreen"
    assert operation_label("RealScreen", signed_in=False) == "RealScreen"


def test_operation_labels_are_bounded() -> None:
    # given names as clients may send them
    # then a well-formed name is kept (cut to 64), anything else is anonymous
    assert operation_name("WhoAmI") == "WhoAmI"
    assert operation_name("A" * 500) == "A" * 64
    assert operation_name("drop table; --") == "anonymous"
    assert operation_name("名前") == "anonymous"
    assert operation_name("") == operation_name(None) == "anonymous"
    # and past the cap of distinct names a worker labels new ones "other"
    labels = {operation_label(f"Minted{i}") for i in range(1000)}
    assert "other" in labels and len(labels) <= 201
    # and the outcome is OK, the first code, or a server fault wherever it is
    assert outcome_code([]) == "OK"
    assert outcome_code(["FORBIDDEN", "NOT_FOUND"]) == "FORBIDDEN"
    assert outcome_code(["FORBIDDEN", "INTERNAL"]) == "INTERNAL"
    assert outcome_code(["not a code", None]) == "INTERNAL"


# --- the real server with two workers ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _pids_of(metrics_dir: Path) -> set[str]:
    """The processes that wrote metric files (``counter_1234.db``, ``gauge_livesum_1234.db``)."""
    return {f.stem.rsplit("_", 1)[-1] for f in metrics_dir.glob("*.db")}


async def test_two_workers_are_summed_in_every_scrape(
    settings: Settings, database: None, tmp_path: Path
) -> None:
    # given `mic serve --workers 2` (its temporary files under our own TMPDIR)
    port = _free_port()
    env = {
        **os.environ,
        "TMPDIR": str(tmp_path),
        "MIC_DATABASE_URL": settings.database_url,
        "MIC_TOKEN_SECRET": settings.token_secret,
        "MIC_STORAGE_URL": settings.storage_url,
        "MIC_UPLOAD_TMP_DIR": settings.upload_tmp_dir,
        "MIC_DEADLINE_SWEEP_S": "0",
        "MIC_LOG_LEVEL": "INFO",
    }
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
        "--graceful-shutdown-s",
        "2",
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    requests = 40
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            for _ in range(300):
                try:
                    if (await http.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
            # the workers' metrics meet in one directory, one file set per worker
            (metrics_dir,) = tmp_path.glob("mic-metrics-*")  # noqa: ASYNC240 - a test
            # each worker writes its gauges' file at start-up (named after its pid)
            while len(_pids_of(metrics_dir)) < 2:  # noqa: ASYNC110 - nothing to await
                await asyncio.sleep(0.1)

            # when 40 operations arrive on connections of their own (the kernel spreads them)
            async def one() -> int:
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as fresh:
                    answer = await fresh.post(
                        "/graphql", json={"query": "query Served { __typename }"}
                    )
                    return answer.status_code

            assert set(await asyncio.gather(*(one() for _ in range(requests)))) == {200}
            # then every scrape, whichever worker answers it, counts all of them
            for _ in range(6):
                async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as fresh:
                    scraped = await fresh.get("/metrics")
                assert scraped.status_code == 200
                samples = parse(scraped.text)
                assert value(samples, REQUESTS, operation="Served", code="OK") == requests
                assert value(samples, "mic_db_pool_connections_max") >= 2  # one per worker
                # (multiprocess mode: no per-process collectors of a single registry)
                assert not [key for key in samples if key[0].startswith("process_")]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    # and at exit the directory is gone; each request was logged once, by the service
    assert not list(tmp_path.glob("mic-metrics-*"))  # noqa: ASYNC240 - a test
    lines = [json.loads(line) for line in err.decode().splitlines() if line.startswith("{")]
    served = [line for line in lines if line.get("operation") == "Served"]
    assert len(served) == requests
    assert all(line["logger"] == "mic.access" for line in served)
    assert "uvicorn.access" not in {line.get("logger") for line in lines}


def test_an_empty_metrics_token_is_no_token_and_a_short_one_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given MIC_METRICS_TOKEN as compose passes it when the operator set none
    monkeypatch.setenv("MIC_METRICS_TOKEN", "")
    # then the service has no metrics token (loopback only), rather than refusing to start
    assert Settings().metrics_token is None
    # and a token too short to be a secret stops the service at start-up
    for short in ("x", "fifteen-chars!!"):
        monkeypatch.setenv("MIC_METRICS_TOKEN", short)
        with pytest.raises(ValueError, match="at least 16"):
            Settings()
