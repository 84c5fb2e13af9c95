"""The README's examples run as written against the demo, on any date (issue 16).

The real service (``mic serve``, development settings, as ``make run`` serves it) runs in a
subprocess on a free port over a fresh SQLite database, migrated and seeded with the demo
(``tests/browser.py``). This module always uses that SQLite server of its own, also when
MIC_TEST_DATABASE_URL points the rest of the suite at PostgreSQL: the README documents ``make run``.

- every ```graphql block runs as the demo login its first line names (``# as USER``) and answers
  data without errors;
- every ```sh block runs, in README order, in one ``bash -euo pipefail`` with MIC_URL pointing at
  the server, and exits 0; then the blocks not marked ``<!-- once per demo: why -->`` run again
  against the same server, as a reader running the README twice would;
- no runnable block holds a placeholder (``…``) or a year or date that would go stale.

A fence preceded by ``<!-- not run: why -->`` (starting the service, PostgreSQL) is left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser import DEMO_PASSWORD, login, post, running_service

README = Path(__file__).resolve().parent.parent / "README.md"
NOT_RUN = re.compile(r"^<!-- not run: .+ -->$")
ONCE = re.compile(r"^<!-- once per demo: .+ -->$")
FENCE = re.compile(r"^```(\w*)\s*$")
RUNS_AS = re.compile(r"^# as ([a-z0-9-]+)$")
# A year (or the start of a date) written out: the demo is seeded from today, so it goes stale.
WRITTEN_YEAR = re.compile(r"\b(19|20)\d\d\b")
SH_TIMEOUT_S = 300


@dataclass(frozen=True, slots=True)
class Block:
    language: str
    line: int  # of the opening fence, 1-based
    text: str
    marker: str  # the HTML comment on the line before the fence, or ""

    @property
    def runs(self) -> bool:
        return self.language in ("sh", "graphql") and not NOT_RUN.match(self.marker)

    @property
    def once(self) -> bool:
        return bool(ONCE.match(self.marker))


def readme_blocks(text: str) -> list[Block]:
    """The README's fenced blocks, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        end = lines.index("```", index + 1)
        marker = lines[index - 1].strip() if index else ""
        body = "\n".join(lines[index + 1 : end]) + "\n"
        blocks.append(Block(opening.group(1), index + 1, body, marker))
        index = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))
GRAPHQL = [b for b in BLOCKS if b.language == "graphql" and b.runs]
SH = [b for b in BLOCKS if b.language == "sh" and b.runs]


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_service(tmp_path_factory.mktemp("readme"), "dev") as base:
        yield base


def test_the_readme_has_examples_of_both_kinds_and_marks_the_few_it_leaves_out() -> None:
    # Given the README, then it shows queries and walkthroughs, and leaves out only a few fences
    assert len(GRAPHQL) >= 8
    assert len(SH) >= 10
    left_out = [b for b in BLOCKS if b.language in ("sh", "graphql") and not b.runs]
    assert len(left_out) <= 4, [b.line for b in left_out]


def stale_or_unfilled(block: Block) -> list[str]:
    """What keeps ``block`` from running as written on any day: a placeholder to fill in, a
    written-out year or date (the demo password is a name, not a date)."""
    text = block.text.replace(DEMO_PASSWORD, "")
    found = ["a placeholder …"] if "…" in text else []
    found += [f"{m.group(0)} goes stale" for m in WRITTEN_YEAR.finditer(text)]
    return found


def test_the_staleness_check_catches_placeholders_and_written_years() -> None:
    # Given blocks as the README had them before issue 16, then each is caught
    for text in (
        'mutation { transitionCentre(id: "…", move: SUBMIT) { status } }\n',
        'mutation { openAssessment(centreId: $c, onsiteOn: "2026-12-15") { id } }\n',
        "{ statistics { annualReports(year: 2025) { required } } }\n",
    ):
        assert stale_or_unfilled(Block("graphql", 1, text, "")), text
    # and a year reckoned from today, or the demo password, is not
    relative = f"year:=$(($(TZ=UTC-8 date +%Y) - 1)) p='{DEMO_PASSWORD}'\n"
    assert stale_or_unfilled(Block("sh", 1, relative, "")) == []


def test_every_runnable_block_needs_no_hand_filled_value_and_does_not_go_stale() -> None:
    # Given every block the tests run, then none holds a placeholder or a written-out year
    problems = {b.line: stale_or_unfilled(b) for b in GRAPHQL + SH}
    assert {line: found for line, found in problems.items() if found} == {}


def test_every_graphql_block_names_who_runs_it() -> None:
    for block in GRAPHQL:
        assert RUNS_AS.match(block.text.splitlines()[0]), f"README line {block.line}"


@pytest.mark.parametrize("block", GRAPHQL, ids=[f"line-{b.line}" for b in GRAPHQL])
def test_graphql_block_answers_data_without_errors(service: str, block: Block) -> None:
    # Given the demo login the block names
    found = RUNS_AS.match(block.text.splitlines()[0])
    assert found, f"README line {block.line}: the first line names no login (# as USER)"
    token = login(service, found.group(1))
    # When the block is sent as written
    answer = post(service, block.text, token)
    # Then it answers data, and no errors
    assert "errors" not in answer, f"README line {block.line}: {answer['errors']}"
    assert answer.get("data") and any(v is not None for v in answer["data"].values())


def _fast_python3(tmp: Path) -> Path:
    """A directory whose ``python3`` starts quickly: the system's, else this interpreter's base
    (the README's helper needs only the standard library). A version manager's shim first on
    PATH would add half a second to each of the helper's few hundred calls."""
    system = shutil.which("python3", path="/usr/bin:/bin")
    base = Path(system) if system else Path(sys.base_prefix) / "bin" / "python3"
    bin_dir = tmp / "bin"
    bin_dir.mkdir(exist_ok=True)
    link = bin_dir / "python3"
    if not link.exists():
        link.symlink_to(base if base.exists() else Path(sys.executable))
    return bin_dir


def _run_sh(service: str, blocks: list[Block], cwd: Path) -> None:
    """Run ``blocks`` in one ``bash -euo pipefail``; fail naming the block that failed, with its
    source and output."""
    path = f"{_fast_python3(cwd)}{os.pathsep}{os.environ.get('PATH', '')}"
    script = "".join(f"printf '\\n@@ README block at line {b.line}\\n'\n{b.text}" for b in blocks)
    bash = shutil.which("bash")
    assert bash, "bash is needed"
    done = subprocess.run(
        [bash, "-euo", "pipefail", "-c", script],
        check=False,  # a failure is reported below, naming the block
        cwd=cwd,
        env={**os.environ, "MIC_URL": service, "PATH": path},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=SH_TIMEOUT_S,
        text=True,
    )
    if done.returncode == 0:
        return
    *_, last = done.stdout.split("\n@@ README block at line ")
    line = int(last.split("\n", 1)[0])
    failed = next(b for b in blocks if b.line == line)
    pytest.fail(
        f"README sh block at line {line} exited {done.returncode}\n"
        f"--- block ---\n{failed.text}--- its output ---\n{last.split(chr(10), 1)[-1]}"
    )


def test_sh_blocks_run_in_order_then_the_repeatable_ones_again(
    service: str, tmp_path: Path
) -> None:
    # Given the demo as `make run` seeds it, when the walkthroughs run in README order
    _run_sh(service, SH, tmp_path)
    # then each block exited 0 (any failed step, or refusal with another code, stops the shell);
    # and running them again, without the once-per-demo blocks, still succeeds
    _run_sh(service, [b for b in SH if not b.once], tmp_path)
