"""PostGraphile 5 as the benchmark's peer (``--peer``, PostgreSQL only).

``bench/peer/`` holds its package.json (exact pins; installed into ~/.cache/mic-bench/peer when
missing, which also brings the Node 22 binary it runs on), the server script (amber preset,
production-like) and the row-level security (``rls.sql``) that gives each caller what mic
gives it. The peer's tokens are HS256 JWTs signed with the shared secret: role ``bench_peer``
and either ``province: true`` (provincial admin/staff) or the bureau's ``city_id``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import jwt

from bench import database, inprocess, servers
from bench.ops import LIST, PEER_LIST, graphql_body
from bench.startup import Prepared

HERE = Path(__file__).with_name("peer")
CACHE = Path.home() / ".cache" / "mic-bench" / "peer"
NODE = CACHE / "node_modules" / ".bin" / "node"
ROLE = "bench_peer"
AUDIENCE = "postgraphile"
TOKEN_TTL_S = 24 * 3600
# Each bench user's bindings, read by username (no id format assumed): city of a bureau.
BINDINGS = """SELECT b.role, b.city_id::text AS city FROM role_binding b
JOIN app_user u ON u.id = b.user_id WHERE u.username = $1"""
PROVINCE = {"provincial_admin", "provincial_staff"}
MIC_COUNT = "{ centres(first: 1) { totalCount } }"
PEER_COUNT = "{ allCentres { totalCount } }"


def _pinned() -> dict[str, str]:
    deps: dict[str, str] = json.loads((HERE / "package.json").read_text())["dependencies"]
    return deps


def _installed(name: str) -> str | None:
    try:
        meta = json.loads((CACHE / "node_modules" / name / "package.json").read_text())
    except (OSError, ValueError):
        return None
    return str(meta.get("version"))


def install() -> Path:
    """The Node 22 binary, after installing bench/peer/package.json into the cache if needed."""
    if NODE.exists() and all(_installed(n) == v for n, v in _pinned().items()):
        return NODE
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("the peer needs npm to install PostGraphile (apt-get install npm)")
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        if (HERE / name).exists():
            shutil.copyfile(HERE / name, CACHE / name)
    print(f"   installing the peer into {CACHE} (npm)", flush=True)
    subprocess.run(  # noqa: S603 - npm with our arguments
        [npm, "install", "--prefix", str(CACHE), "--no-audit", "--no-fund"], check=True
    )
    return NODE


def token(secret: str, bindings: list[dict[str, Any]]) -> str:
    """A peer token for a user with these role bindings (role, city)."""
    claims: dict[str, Any] = {"role": ROLE, "aud": AUDIENCE, "exp": int(time.time()) + TOKEN_TTL_S}
    if any(b["role"] in PROVINCE for b in bindings):
        claims["province"] = True
    else:
        city = next((b["city"] for b in bindings if b["city"]), None)
        if city is not None:
            claims["city_id"] = city
    return jwt.encode(claims, secret, algorithm="HS256")


async def tokens(url: str, secret: str, users: dict[str, str]) -> dict[str, str]:
    """who -> peer token, for bench users given as who -> username."""
    out = {}
    for who, username in users.items():
        out[who] = token(secret, await database.fetch(url, BINDINGS, username))
    return out


async def start(url: str, secret: str, logdir: Path, users: dict[str, str]) -> servers.Server:
    """Install if needed, apply row-level security, start PostGraphile; its tokens attached."""
    node = install()
    await database.execute(url, [(HERE / "rls.sql").read_text(encoding="utf-8")])
    server = servers.start_peer(
        node, HERE / "server.cjs", database.pg_dsn(url), secret, logdir, CACHE / "node_modules"
    )
    server.tokens = await tokens(url, secret, users)
    return server


def _shape(answer: Any, peer: bool) -> tuple[int, int]:
    """(centres, members) of a Q1/Q4 answer from mic or the peer."""
    if peer:
        nodes = answer["data"]["allCentres"]["nodes"]
        return len(nodes), sum(len(n["allianceMembersByCentreId"]["nodes"]) for n in nodes)
    edges = answer["data"]["centres"]["edges"]
    return len(edges), sum(len(e["node"]["members"]) for e in edges)


def _total(answer: Any, peer: bool) -> int:
    return int(answer["data"]["allCentres" if peer else "centres"]["totalCount"])


async def check(peer: servers.Server, mic: servers.Server, prepared: Prepared) -> list[str]:
    """Warnings when the peer's Q1/Q4 (centres, members) or visible centre count differ
    from mic's for the same user; prints what was compared."""
    warnings: list[str] = []
    async with (
        httpx.AsyncClient(base_url=peer.base, timeout=60) as p,
        httpx.AsyncClient(base_url=mic.base, timeout=60) as m,
    ):
        for who in ("bureau", "admin"):
            mine, theirs = prepared.tokens[who], peer.tokens[who]
            b: Any = None
            try:
                a = await inprocess.post(m, "/graphql", graphql_body(LIST), mine)
                b = await inprocess.post(p, "/graphql", graphql_body(PEER_LIST), theirs)
                shapes = _shape(a, False), _shape(b, True)
                a = await inprocess.post(m, "/graphql", graphql_body(MIC_COUNT), mine)
                b = await inprocess.post(p, "/graphql", graphql_body(PEER_COUNT), theirs)
                totals = _total(a, False), _total(b, True)
            except (KeyError, TypeError) as exc:
                warnings.append(f"peer check ({who}): unexpected answer {exc!r}: {str(b)[:300]}")
                continue
            print(
                f"   peer check {who}: (centres, members) of the list mic {shapes[0]} peer "
                f"{shapes[1]}; visible centres mic {totals[0]} peer {totals[1]}",
                flush=True,
            )
            if shapes[0] != shapes[1] or totals[0] != totals[1]:
                warnings.append(
                    f"peer check ({who}): mic list {shapes[0]} / {totals[0]} visible, "
                    f"PostGraphile {shapes[1]} / {totals[1]}"
                )
    return warnings
