"""The lock files agree with pyproject.toml's pins and pin every package with its hashes.

`make install`, CI and the Dockerfile install only from the lock files (`--require-hashes
--no-deps`), so a pin raised in pyproject.toml but not re-locked (`make lock`) would be silently
ignored: these tests catch that before anything ships."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
RUNTIME_LOCK = ROOT / "requirements.lock"
DEV_LOCK = ROOT / "requirements-dev.lock"

# The interpreters and machines the lock must serve (pyproject.toml: requires-python).
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")
MACHINES = ("x86_64", "aarch64")


@dataclass(frozen=True)
class LockEntry:
    name: str  # canonical (PEP 503)
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]


def parse_lock(text: str) -> list[LockEntry]:
    """The entries of a `uv pip compile --generate-hashes` file: one per requirement, its
    backslash-continued `--hash` lines joined to it; comments and blank lines dropped."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line and not pending:
            continue
        pending += " " + line.removesuffix("\\").strip()
        if not line.endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    if pending.strip():
        logical.append(pending.strip())
    entries = []
    for line in logical:
        hashes = tuple(re.findall(r"--hash=(\S+)", line))
        requirement = Requirement(re.sub(r"\s*--hash=\S+", "", line))
        (spec,) = requirement.specifier  # exactly one, and it must be ==
        assert spec.operator == "==", f"not an exact pin in the lock: {line[:80]}"
        entries.append(
            LockEntry(canonicalize_name(requirement.name), spec.version, requirement.marker, hashes)
        )
    return entries


def environment(python: str, machine: str) -> dict[str, str]:
    """Marker variables of CPython `python` (e.g. "3.13") on Linux `machine`."""
    return {
        "implementation_name": "cpython",
        "platform_python_implementation": "CPython",
        "platform_system": "Linux",
        "sys_platform": "linux",
        "os_name": "posix",
        "platform_machine": machine,
        "python_version": python,
        "python_full_version": f"{python}.0",
        "implementation_version": f"{python}.0",
        "platform_release": "",
        "platform_version": "",
        "extra": "",
    }


def versions_for(entries: list[LockEntry], python: str, machine: str) -> dict[str, list[str]]:
    """Package name -> the versions the lock installs for that interpreter and machine."""
    env = environment(python, machine)
    chosen: dict[str, list[str]] = {}
    for entry in entries:
        if entry.marker is None or entry.marker.evaluate(env):
            chosen.setdefault(entry.name, []).append(entry.version)
    return chosen


def pyproject_pins() -> tuple[list[Requirement], list[Requirement]]:
    """(runtime pins incl. the build backend, dev pins) from pyproject.toml."""
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    runtime = [Requirement(r) for r in data["project"]["dependencies"]]
    runtime += [Requirement(r) for r in data["build-system"]["requires"]]
    dev = [Requirement(r) for r in data["project"]["optional-dependencies"]["dev"]]
    return runtime, dev


def pinned_version(requirement: Requirement) -> str:
    (spec,) = requirement.specifier
    assert spec.operator == "==", f"pyproject.toml pins exactly: {requirement}"
    return spec.version


def lock_mismatches(pins: list[Requirement], entries: list[LockEntry]) -> list[str]:
    """Pins of pyproject.toml missing from the lock or locked at another version, on any of the
    supported interpreters and machines."""
    problems = []
    for python in SUPPORTED_PYTHONS:
        for machine in MACHINES:
            locked = versions_for(entries, python, machine)
            for pin in pins:
                name = canonicalize_name(pin.name)
                got = locked.get(name)
                if got != [pinned_version(pin)]:
                    problems.append(
                        f"{name}=={pinned_version(pin)}: lock has {got} ({python}, {machine})"
                    )
    return problems


@pytest.fixture(scope="module")
def runtime_lock() -> list[LockEntry]:
    return parse_lock(RUNTIME_LOCK.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev_lock() -> list[LockEntry]:
    return parse_lock(DEV_LOCK.read_text(encoding="utf-8"))


def test_every_pin_of_pyproject_is_locked_at_its_version_in_both_lock_files(
    runtime_lock: list[LockEntry], dev_lock: list[LockEntry]
) -> None:
    # Given pyproject.toml's runtime pins (and its build backend) and its dev pins
    runtime, dev = pyproject_pins()
    # When each is looked up in the lock files, for every supported Python and machine
    # Then each is there at exactly the pinned version (else: `make lock`)
    assert lock_mismatches(runtime, runtime_lock) == []
    assert lock_mismatches(runtime + dev, dev_lock) == []


def test_the_runtime_lock_holds_no_dev_tool(runtime_lock: list[LockEntry]) -> None:
    # Given the dev pins
    _, dev = pyproject_pins()
    # When the runtime lock is read
    locked = {entry.name for entry in runtime_lock}
    # Then none of the dev tools ships in the image
    assert {canonicalize_name(pin.name) for pin in dev} & locked == set()


def test_every_lock_entry_carries_a_hash(
    runtime_lock: list[LockEntry], dev_lock: list[LockEntry]
) -> None:
    # Given both lock files, When their entries are read
    # Then every one has at least one sha256 hash (pip --require-hashes refuses the file otherwise)
    for entries in (runtime_lock, dev_lock):
        assert entries
        unhashed = [e.name for e in entries if not e.hashes]
        assert unhashed == []
        assert all(h.startswith("sha256:") for e in entries for h in e.hashes)


def test_the_runtime_and_dev_locks_install_the_same_versions(
    runtime_lock: list[LockEntry], dev_lock: list[LockEntry]
) -> None:
    # Given both lock files, for every supported Python and machine
    for python in SUPPORTED_PYTHONS:
        for machine in MACHINES:
            runtime = versions_for(runtime_lock, python, machine)
            dev = versions_for(dev_lock, python, machine)
            # Then each selects one version per package, and the tests run what ships
            assert all(len(v) == 1 for v in (runtime | dev).values()), (python, machine)
            assert {name: dev.get(name) for name in runtime} == runtime, (python, machine)


# The checker itself, on small lock texts: a test that cannot fail is a defect.

SAMPLE = """\
# This file was autogenerated by uv via the following command:
#    make lock
alpha==1.0 \\
    --hash=sha256:aa \\
    --hash=sha256:bb
    # via mic (pyproject.toml)
beta==2.0 ; python_full_version < '3.12' \\
    --hash=sha256:cc
beta==2.1 ; python_full_version >= '3.12' \\
    --hash=sha256:dd
gamma==3.0
"""


def test_the_parser_joins_hash_lines_and_keeps_markers() -> None:
    # Given a lock text with a forked package and an unhashed line, When it is parsed
    entries = parse_lock(SAMPLE)
    # Then each requirement is one entry with its hashes and marker
    assert [(e.name, e.version, len(e.hashes)) for e in entries] == [
        ("alpha", "1.0", 2),
        ("beta", "2.0", 1),
        ("beta", "2.1", 1),
        ("gamma", "3.0", 0),
    ]
    assert versions_for(entries, "3.11", "x86_64")["beta"] == ["2.0"]
    assert versions_for(entries, "3.13", "aarch64")["beta"] == ["2.1"]


def test_a_pin_the_lock_disagrees_with_is_reported() -> None:
    # Given a lock text, When pins are checked against it
    entries = parse_lock(SAMPLE)
    # Then a matching pin passes, a raised pin and a missing package are reported,
    # and so is a pin the lock holds for only some Pythons
    assert lock_mismatches([Requirement("alpha==1.0")], entries) == []
    assert lock_mismatches([Requirement("alpha==1.1")], entries)
    assert lock_mismatches([Requirement("delta==1.0")], entries)
    problems = lock_mismatches([Requirement("beta==2.0")], entries)
    assert problems and all("3.11" not in p for p in problems)
