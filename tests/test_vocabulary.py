"""One vocabulary on every surface (issue 16): a stored code reads as its GraphQL enum's name in
errors, HTTP routes, iCalendar categories and exports, and the error codes are a schema enum."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from enum import StrEnum
from pathlib import Path

import httpx
from graphql import GraphQLEnumType, build_schema

import models
from models.accounts import RoleName
from models.centres import CentreStatus
from models.lifecycle import Authority
from models.vocabulary import code_of_term, term
from schema.error_codes import MEANINGS
from schema.errors import Code
from services import export_sheets
from tests.helpers import Api, World

ROOT = Path(__file__).resolve().parent.parent
SDL = build_schema((ROOT / "schema" / "schema.graphql").read_text(encoding="utf-8"))


def _schema_enums() -> dict[str, GraphQLEnumType]:
    return {
        name: t
        for name, t in SDL.type_map.items()
        if isinstance(t, GraphQLEnumType) and not name.startswith("__")
    }


def _model_code_enums() -> list[type[StrEnum]]:
    found: list[type[StrEnum]] = []
    for info in pkgutil.iter_modules(models.__path__):
        if info.name == "migrations":
            continue
        module = importlib.import_module(f"models.{info.name}")
        found += [
            value
            for value in vars(module).values()
            if inspect.isclass(value)
            and issubclass(value, StrEnum)
            and value is not StrEnum
            and value.__module__ == module.__name__
        ]
    return found


def test_every_stored_code_is_named_as_its_term() -> None:
    # given every code enum of the models
    # (Authority's values are policy actions, never shown as codes)
    enums = [e for e in _model_code_enums() if e is not Authority]
    assert len(enums) >= 20
    # then each member's name is its value in upper case: term() gives the one spelling
    for enum in enums:
        for member in enum:
            assert member.name == member.value.upper(), (enum.__name__, member)
            assert code_of_term(enum, term(member)) is member
            assert code_of_term(enum, member.value) is None or member.value == member.name


def test_every_schema_enum_names_its_values_as_the_terms() -> None:
    # given the committed SDL's enums, each value's name is what term() gives for a stored code
    # (the SDL does not carry stored values, so the check is on the Python side: strawberry's
    # enum values are the stored codes)
    from schema.root import build_schema as build

    live = build()._schema.type_map
    for name in _schema_enums():
        enum = live[name]
        assert isinstance(enum, GraphQLEnumType)
        for value_name, value in enum.values.items():
            stored = value.value
            if isinstance(stored, str):
                assert value_name == stored.upper(), (name, value_name, stored)


def test_the_error_codes_are_an_enum_of_the_schema_with_their_meaning() -> None:
    # given the committed SDL
    error_code = _schema_enums()["ErrorCode"]
    # then it names exactly the codes errors carry, each with its meaning in English and Chinese
    assert list(error_code.values) == [c.name for c in Code]
    for name, value in error_code.values.items():
        assert value.description == MEANINGS[Code(name)]
        assert " / " in (value.description or "")


def test_every_invalid_move_gives_current_status_as_a_term() -> None:
    # given every `currentStatus=` handed to an error in the operations
    found = 0
    for path in (ROOT / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "currentStatus":
                found += 1
                value = node.value
                # then it is term(…) of a stored code, a name bound to one, or an upper-case literal
                is_term = (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id == "term"
                )
                is_literal = isinstance(value, ast.Constant) and str(value.value).isupper()
                assert is_term or is_literal or isinstance(value, ast.Name), (
                    f"{path.name}:{node.value.lineno}"
                )
    assert found >= 25


def test_no_refusal_shows_a_stored_code() -> None:
    # given every refusal raised in the operations
    refusals = {"BadInput", "InvalidMove", "Conflict", "NotAllowed", "NotFound", "DomainError"}
    found = 0
    for path in (ROOT / "services").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in refusals
            ):
                continue
            found += 1
            # then nothing in its message or details is an enum's stored `.value`
            parts = [*node.args, *(k.value for k in node.keywords)]
            leaks = [
                n
                for part in parts
                for n in ast.walk(part)
                if isinstance(n, ast.Attribute) and n.attr == "value"
            ]
            assert not leaks, f"{path.name}:{node.lineno}"
    assert found >= 100


def test_the_export_labels_are_the_schema_enums_chinese_descriptions() -> None:
    # given the Chinese labels the exports show beside each code
    tables = {
        "CentreStatus": export_sheets.CENTRE_STATUS,
        "ReportStatus": export_sheets.REPORT_STATUS,
        "IpKind": export_sheets.IP_KIND,
        "IpLegalStatus": export_sheets.LEGAL_STATUS,
        "SupportPurpose": export_sheets.PURPOSE,
        "FundingProgramme": export_sheets.PROGRAMME,
        "LedgerEntryKind": export_sheets.ENTRY_KIND,
    }
    enums = _schema_enums()
    for enum_name, labels in tables.items():
        described = {
            name: (v.description or "").rsplit(" / ", 1)[-1]
            for name, v in enums[enum_name].values.items()
        }
        # then each label is the Chinese half of the enum value's description
        assert {term(code): label for code, label in labels.items()} == described, enum_name


async def test_r_life_1_a_refused_move_names_the_state_as_the_enum_reads_it(
    api: Api, world: World
) -> None:
    # given a rectifying centre, a revoked one and a draft one
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    for status, move in (
        (CentreStatus.RECTIFYING, "ESTABLISH"),
        (CentreStatus.REVOKED, "ESTABLISH"),
        (CentreStatus.DRAFT, "PASS_FORMAL_REVIEW"),
    ):
        centre = await world.centre(await world.organisation("450200"), status=status)
        # when staff try a move its state does not allow
        body = await api.gql(
            "mutation($id: ID!, $move: CentreMove!) { transitionCentre(id: $id, move: $move) "
            "{ status } }",
            {"id": f"Centre:{centre.id}", "move": move},
            staff,
        )
        # then the refusal gives the state as the CentreStatus enum spells it, in its details and
        # in its message
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "INVALID_TRANSITION"
        assert error["extensions"]["currentStatus"] == status.name
        assert status.name in error["message"] and status.value not in error["message"]
        assert error["extensions"]["currentStatus"] in _schema_enums()["CentreStatus"].values


async def test_r_fund_1_a_refused_subsidy_names_the_state_as_the_enum_reads_it(
    api: Api, world: World
) -> None:
    # given a centre still under expert review
    staff = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    centre = await world.centre(
        await world.organisation("450100"), status=CentreStatus.EXPERT_REVIEW
    )
    # when staff decide its subsidy
    body = await api.gql(
        'mutation($id: ID!) { decideSubsidy(centreId: $id, approved: "1.00") { approved } }',
        {"id": f"Centre:{centre.id}"},
        staff,
    )
    # then the refusal names EXPERT_REVIEW, never expert_review
    (error,) = body["errors"]
    assert error["extensions"]["currentStatus"] == "EXPERT_REVIEW"
    assert "expert_review" not in error["message"]


async def test_r_ctr_3_the_upload_route_takes_the_kind_as_the_enum_reads_it(
    client: httpx.AsyncClient, world: World
) -> None:
    # given a listed centre and its lead
    lead = await world.organisation("450200")
    centre = await world.centre(lead, status=CentreStatus.CULTIVATING)
    token = world.token(await world.user(RoleName.ENTERPRISE, organisation=lead))
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

    async def upload(kind: str) -> httpx.Response:
        return await client.post(
            "/documents",
            params={"centreId": f"Centre:{centre.id}", "kind": kind, "title": "建设方案"},
            headers={"authorization": f"Bearer {token}", "x-file-name": "plan.pdf"},
            content=pdf,
        )

    # when the kind is given as the DocumentKind enum spells it, the upload is stored
    stored = await upload("CONSTRUCTION_PLAN")
    assert stored.status_code == 201, stored.text
    # and the answer names the kind the same way
    assert stored.json()["document"]["kind"] == "CONSTRUCTION_PLAN"
    # and any other spelling is refused, the answer listing the spellings the route takes
    for other in ("construction_plan", "Construction_Plan", " CONSTRUCTION_PLAN"):
        refused = await upload(other)
        assert refused.status_code == 400, (other, refused.text)
        (error,) = refused.json()["errors"]
        assert error["extensions"] == {
            "code": "BAD_USER_INPUT",
            "field": "kind",
            "requestId": error["extensions"]["requestId"],
        }
        assert "CONSTRUCTION_PLAN, BUSINESS_LICENCE" in error["message"]


async def test_strawberrys_own_refusals_are_json_errors_with_a_code(
    client: httpx.AsyncClient, world: World
) -> None:
    # given a signed-in caller
    token = world.token(await world.user(RoleName.PROVINCIAL_STAFF))
    headers = {"authorization": f"Bearer {token}"}
    refusals = (
        # an operation name the document does not hold
        client.post(
            "/graphql",
            json={"query": "query A { me { id } }", "operationName": "<script>"},
            headers=headers,
        ),
        # a batch
        client.post("/graphql", json=[{"query": "{ me { id } }"}], headers=headers),
        # a query over GET
        client.get(
            "/graphql",
            params={"query": "{ me { id } }"},
            headers={**headers, "accept": "application/json"},
        ),
    )
    for refusal in refusals:
        response = await refusal
        # then each is a 4xx JSON error in the shape and vocabulary of every other refusal
        assert 400 <= response.status_code < 500
        assert response.headers["content-type"] == "application/json"
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert error["extensions"]["requestId"] == response.headers["x-request-id"]


async def test_starlettes_own_refusals_are_json_errors_with_a_code(
    client: httpx.AsyncClient,
) -> None:
    # when a path no route takes, or a method a route does not take, is asked for
    for method, path, status, code in (
        ("GET", "/nope", 404, "NOT_FOUND"),
        ("DELETE", "/metrics", 405, "BAD_USER_INPUT"),
        ("GET", "/documents", 405, "BAD_USER_INPUT"),
    ):
        response = await client.request(method, path)
        # then the answer is the JSON error of every other refusal, with its code
        assert response.status_code == status, (method, path)
        assert response.headers["content-type"] == "application/json"
        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == code
        assert error["extensions"]["requestId"] == response.headers["x-request-id"]
        if status == 405:
            assert response.headers["allow"]
