"""The committed SDL is the live schema, so frontend teams can generate clients from it."""

from __future__ import annotations

from pathlib import Path

from schema.root import sdl

COMMITTED = Path(__file__).resolve().parents[1] / "schema" / "schema.graphql"


def test_committed_sdl_matches_the_live_schema() -> None:
    live = sdl()
    assert COMMITTED.read_text(encoding="utf-8") == live, (
        "schema/schema.graphql is out of date: run `make sdl` and commit it"
    )
