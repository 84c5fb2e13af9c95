"""Hostile input, by kind (issue 9): each kind with the input that found it and two more.

Nothing a client sends may produce INTERNAL or a traceback; the limits are computed in time
linear in the document; control characters are refused at the edge; production names nothing
of the schema the client did not write; refusals of uploads agree with the README.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from models.accounts import RoleName, User
from models.centres import Centre, CentreStatus
from models.reference import Organisation
from models.reviews import Review, ReviewStatus
from tests.helpers import Api, World, error_codes, pk
from tests.workflow import APPLICATION, CREATE, Programme, build_programme, new_application

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _doubling(fragments: int, leaf: str = "__typename") -> str:
    """F0 spreads F1 twice, F1 spreads F2 twice, …: 2^n paths in n fragments."""
    body = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(fragments)]
    body.append(f"fragment F{fragments} on Query {{ {leaf} }}")
    return "query { ...F0 } " + " ".join(body)


@pytest.fixture
async def admin(world: World) -> User:
    return await world.user(RoleName.PROVINCIAL_ADMIN)


async def _client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, manage_db=False))
    async with httpx.AsyncClient(transport=transport, base_url="http://mic.test") as http:
        yield http


@pytest.fixture
async def production(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async for http in _client(settings.model_copy(update={"env": "production"})):
        yield http


# --- kind 1: validation cost by fragments --------------------------------------------------


@pytest.mark.parametrize(
    "document",
    [
        _doubling(30),  # the given input, at 30 fragments (an hour before the fix)
        _doubling(40, "me { username }"),  # doubling over a field with a selection
        "query { ...A } fragment A on Query { ...B ...B ...B } fragment B on Query { ...C ...C"
        " ...C } fragment C on Query { ...D ...D ...D } "
        + " ".join(
            f"fragment {chr(68 + i)} on Query {{ ...{chr(69 + i)} ...{chr(69 + i)} }}"
            for i in range(18)
        )
        + " fragment V on Query { __typename }",  # tripling, then doubling, 22 fragments
    ],
)
async def test_hostile_fragments_are_measured_once_each(api: Api, document: str) -> None:
    # given a document whose fragments spread each other several times over, without a token
    # when it is sent
    response = await api.raw(document)
    # then the service answers at once (linear validation), with a client error or the data
    assert response.status_code == 200
    assert "INTERNAL" not in error_codes(response.json())


@pytest.mark.parametrize(
    "document",
    [
        "query { ...Nope }",  # the given input: an undefined fragment
        "query { ...A } fragment A on Query { ...A }",  # a fragment spreading itself
        "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",  # a cycle
    ],
)
async def test_hostile_bad_fragments_are_client_errors(api: Api, document: str) -> None:
    body = (await api.raw(document)).json()
    assert error_codes(body) and set(error_codes(body)) == {"BAD_USER_INPUT"}


@pytest.mark.parametrize(
    "query",
    [
        "{ ...A } fragment A on Query { centres { ...B } } fragment B on CentreConnection"
        " { edges { node { city { code } } } }",
        "{ centres { ...B } } fragment B on CentreConnection { edges { ...C } }"
        " fragment C on CentreEdge { node { city { code } } }",
        "{ ... on Query { centres { edges { ... on CentreEdge { node { city { code } } } } } } }",
    ],
)
async def test_hostile_depth_through_fragments_is_still_limited(
    world: World, admin: User, settings: Settings, query: str
) -> None:
    # given a depth limit of 3 and 4 nested fields hidden behind fragments
    async for http in _client(settings.model_copy(update={"max_query_depth": 3})):
        response = await http.post(
            "/graphql",
            json={"query": query},
            headers={"authorization": f"Bearer {world.token(admin)}"},
        )
        # then the fragments do not hide the depth
        body = response.json()
        assert error_codes(body) == ["BAD_USER_INPUT"], body
        assert "depth" in body["errors"][0]["message"]


# --- kind 2: bad variable values -----------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($f: Int) { centres(first: $f) { totalCount } }", {"f": "x"}),  # the given input
        (
            'mutation($d: Date!) { recordInspection(centreId: "x", kind: SPECIAL_INSPECTION,'
            ' heldOn: $d, findings: "f") { id } }',
            {"d": "2026-02-30"},
        ),
        (
            'mutation($v: Decimal!) { reportIndicatorProgress(indicatorId: "x", value: $v)'
            " { id } }",
            {"v": "abc"},
        ),
        (
            "query($s: CentreStatus) { centres(filter: {status: $s}) { totalCount } }",
            {"s": "NOPE"},
        ),
        ("query($id: ID!) { centre(id: $id) { id } }", {"id": True}),
        # a null variable for a non-null argument that has a default (coerced during execution)
        (
            "query($d: Int) { centresNearingCultivationDeadline(withinDays: $d) { totalCount } }",
            {"d": None},
        ),
        (
            'mutation($c: String) { transitionCentre(id: "x", move: SUBMIT, comment: $c) { id } }',
            {"c": None},
        ),
    ],
)
async def test_hostile_bad_variables_are_bad_user_input_without_traceback(
    api: Api,
    world: World,
    admin: User,
    query: str,
    variables: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a variable the schema cannot coerce
    with caplog.at_level(logging.ERROR, logger="mic.errors"):
        body = await api.gql(query, variables, token=world.token(admin))
    # then it is the client's error, with the coercion message, and nothing is logged as a fault
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "$" in body["errors"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_hostile_a_null_variable_for_a_nested_non_null_argument_is_bad_user_input(
    api: Api, world: World, admin: User, caplog: pytest.LogCaptureFixture
) -> None:
    # given a centre, and a null variable for members(currentOnly: Boolean! = false)
    await world.centre(await world.organisation("450100"))
    query = (
        "query($c: Boolean) { centres { edges { node { id members(currentOnly: $c) { id } } } } }"
    )
    with caplog.at_level(logging.ERROR, logger="mic.errors"):
        body = await api.gql(query, {"c": None}, token=world.token(admin))
    # then the field's error is the client's, not an internal fault, and nothing is logged
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "$c" in body["errors"][0]["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


# --- kind 3: control characters ------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "signed_in"),
    [
        ('{ centres(filter: {search: "\\u0000"}) { totalCount } }', None, True),  # given
        ('mutation { login(username: "admin\\u0000", password: "x") { token } }', None, False),
        (
            'mutation($u: String!) { login(username: $u, password: "x") { token } }',
            {"u": "admin\u0007"},
            False,
        ),
        (
            "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
            {"s": "汽车\u001b[31m"},
            True,
        ),
        (
            "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
            {"s": "\ud800"},
            True,
        ),  # a lone surrogate
        # bidirectional overrides and isolates: text shown in another order than stored
        (
            "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
            {"s": "汽车\u202e"},
            True,
        ),
        (
            "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
            {"s": "\u2066汽车"},
            True,
        ),
        (
            "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
            {"s": "a\u202ab"},
            True,
        ),
    ],
)
async def test_hostile_control_characters_are_refused_at_the_edge(
    api: Api,
    world: World,
    admin: User,
    query: str,
    variables: dict[str, Any] | None,
    signed_in: bool,
) -> None:
    headers = {"content-type": "application/json"}
    if signed_in:
        headers["authorization"] = f"Bearer {world.token(admin)}"
    # sent as ASCII JSON: escapes such as \ud800 reach the server as the client wrote them
    payload = json.dumps({"query": query, "variables": variables or {}}, ensure_ascii=True)
    response = await api.client.post("/graphql", content=payload, headers=headers)
    body = response.json()
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "control characters" in body["errors"][0]["message"]


async def test_hostile_line_breaks_and_tabs_stay_allowed(
    api: Api, world: World, admin: User
) -> None:
    body = await api.gql(
        "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
        {"s": "汽车\n\t制造"},
        token=world.token(admin),
    )
    assert not body.get("errors"), body


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "OTHER", "title": "方案\u0000", "fileName": "a.pdf"},
        {"kind": "OTHER", "title": "方案", "fileName": "a\u0001.pdf"},
        {"kind": "other\u007f", "title": "方案", "fileName": "a.pdf"},
    ],
)
async def test_hostile_control_characters_in_document_parameters_are_refused(
    client: httpx.AsyncClient, world: World, params: dict[str, str]
) -> None:
    lead_org = await world.organisation()
    lead = await world.user(RoleName.ENTERPRISE, organisation=lead_org)
    centre = await world.centre(lead_org)
    response = await client.post(
        "/documents",
        content=PDF,
        params={"centreId": str(centre.id), **params},
        headers={"authorization": f"Bearer {world.token(lead)}"},
    )
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


# --- kind 5: no schema hints in production -------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "{ centres(frist: 1) { totalCount } }",  # the given input: an argument name
        "{ centre { nmae } }",  # a field name
        "{ centres(filter: {statuss: CULTIVATING}) { totalCount } }",  # an input field
        "{ centres(filter: {status: CULTIVATIN}) { totalCount } }",  # an enum value
        "query($f: CentreFiltr) { centres(filter: $f) { totalCount } }",  # a type name
    ],
)
async def test_hostile_production_suggests_nothing(
    production: httpx.AsyncClient, world: World, admin: User, query: str
) -> None:
    response = await production.post(
        "/graphql", json={"query": query}, headers={"authorization": f"Bearer {world.token(admin)}"}
    )
    body = response.json()
    assert error_codes(body) and set(error_codes(body)) == {"BAD_USER_INPUT"}
    assert not any("Did you mean" in e["message"] for e in body["errors"]), body


# --- kind 8: refusals of uploads agree with the README -------------------------------------


async def _upload(client: httpx.AsyncClient, token: str, centre_id: str) -> httpx.Response:
    return await client.post(
        "/documents",
        content=PDF,
        params={"centreId": centre_id, "kind": "OTHER", "title": "t", "fileName": "a.pdf"},
        headers={"authorization": f"Bearer {token}"},
    )


async def test_hostile_a_role_that_may_upload_nowhere_gets_the_same_403_for_any_id(
    client: httpx.AsyncClient, world: World
) -> None:
    # given a bureau (may upload nowhere), one centre of its city, one of another, and no centre
    own: Organisation = await world.organisation("450200")
    other: Organisation = await world.organisation("450100")
    bureau = await world.user(RoleName.MUNICIPAL_BUREAU, city_code="450200")
    ids = [str((await world.centre(own)).id), str((await world.centre(other)).id)]
    ids.append("00000000-0000-4000-8000-000000000000")
    # when it uploads to each, then every answer is the same 403: nothing about the id leaks
    answers = [await _upload(client, world.token(bureau), i) for i in ids]
    assert [a.status_code for a in answers] == [403, 403, 403]
    assert len({a.json()["errors"][0]["message"] for a in answers}) == 1


async def test_hostile_an_uploader_gets_404_outside_its_scope_and_403_on_what_it_only_reads(
    client: httpx.AsyncClient, world: World
) -> None:
    # given a member enterprise (reads its alliance's centre, may upload only where it leads)
    lead_org, member_org, stranger = [await world.organisation() for _ in range(3)]
    member = await world.user(RoleName.ENTERPRISE, organisation=member_org)
    shared = await world.centre(lead_org, members=[member_org])
    foreign = await world.centre(stranger)
    token = world.token(member)
    # then a centre it reads but does not lead is 403, a foreign or absent one 404
    assert (await _upload(client, token, str(shared.id))).status_code == 403
    assert (await _upload(client, token, str(foreign.id))).status_code == 404
    missing = "00000000-0000-4000-8000-000000000000"
    assert (await _upload(client, token, missing)).status_code == 404


# --- kind 4: names that are not there; ranges a real programme uses -------------------------


@pytest.fixture
async def programme(api: Api, world: World) -> Programme:
    return await build_programme(api, world, experts=0)


@pytest.mark.parametrize("name", ["\u200b", "\ufeff", " \u3000\u200b\u2060 "])
async def test_hostile_a_name_with_nothing_visible_is_refused(
    programme: Programme, name: str
) -> None:
    # given an application named only with invisible characters (zero-width, BOM, wide space)
    body = await programme.run(
        "lead", CREATE, call=str(programme.call.id), input={**APPLICATION, "name": name}
    )
    # then it is refused as bad input, naming the field, and nothing is created
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == "name"
    assert await Centre.all().count() == 0


async def test_hostile_invisible_characters_around_a_name_are_trimmed(
    programme: Programme,
) -> None:
    body = await programme.ok(
        "lead",
        CREATE,
        call=str(programme.call.id),
        input={**APPLICATION, "name": "\ufeff\u200b广西智能装备制造业创新中心\u200b "},
    )
    stored = await Centre.get(id=pk(body["createApplication"]["id"]))
    assert stored.name == "广西智能装备制造业创新中心"


@pytest.mark.parametrize(
    ("agreement", "field"),
    [
        ({"signedOn": "1999-12-31"}, "signedOn"),
        ({"tasks": ["任务"] * 101}, "tasks"),
        ({"tasks": ["任" * 501]}, "tasks"),
        ({"indicators": [{"name": "专利", "unit": "件", "target": "1"}] * 101}, "indicators"),
        ({"indicators": [{"name": "专利", "unit": "件", "target": "1E+30"}]}, "indicators.target"),
    ],
)
async def test_hostile_task_agreement_values_outside_a_real_range_are_refused(
    programme: Programme, agreement: dict[str, Any], field: str
) -> None:
    # given an application in expert review with a finalised review
    centre = await new_application(programme)
    await Centre.filter(id=pk(centre)).update(status=CentreStatus.EXPERT_REVIEW)
    review = await Review.create(
        centre_id=pk(centre), status=ReviewStatus.FINALISED, onsite_check="ok"
    )
    assert review.id
    terms = {
        "signedOn": "2026-11-01",
        "tasks": ["建设中试平台"],
        "supportMeasures": "",
        "indicators": [{"name": "研发投入", "unit": "万元", "target": "5000"}],
        **agreement,
    }
    # when staff list it with an agreement outside the range
    body = await programme.run(
        "staff",
        "mutation($c: ID!, $a: TaskAgreementInput!) { listForCultivation(id: $c, agreement: $a)"
        " { status } }",
        c=centre,
        a=terms,
    )
    # then it is refused naming the field, and the centre is not listed
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert body["errors"][0]["extensions"]["field"] == field
    assert (await Centre.get(id=pk(centre))).status is CentreStatus.EXPERT_REVIEW


@pytest.mark.parametrize("comment", ["x" * 2001, "退回\u0000", "\u200b"])
async def test_hostile_comments_are_bounded_and_visible(programme: Programme, comment: str) -> None:
    # given a submitted application, and a bureau returning it with a bad or empty comment
    centre = await new_application(programme)
    await Centre.filter(id=pk(centre)).update(status=CentreStatus.SUBMITTED)
    body = await programme.move("bureau", centre, "RETURN", comment)
    # then it is refused and the application stays submitted
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert (await Centre.get(id=pk(centre))).status is CentreStatus.SUBMITTED


@pytest.mark.parametrize(
    "query",
    [
        "query($s: String) { centres(filter: {search: $s}) { totalCount } }",
        "query($s: String) { users(search: $s) { totalCount } }",
        "query($s: String) { organisations(search: $s) { totalCount } }",
    ],
)
async def test_hostile_search_terms_are_bounded(
    api: Api, world: World, admin: User, query: str
) -> None:
    body = await api.gql(query, {"s": "汽" * 101}, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"], body


CREATE_ORG = (
    """mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { shortName } }"""
)


@pytest.mark.parametrize("short", ["ＧＸＬＧ", "gxlg\u200b", "GxLg"])
async def test_hostile_short_names_are_one_key_whatever_their_form(
    api: Api, world: World, admin: User, short: str
) -> None:
    # given an organisation registered as "gxlg"
    staff = world.token(admin)
    first = {
        "name": "广西柳工",
        "shortName": "gxlg",
        "creditCode": "91450200000000019A",
        "kind": "ENTERPRISE",
        "cityCode": "450200",
    }
    registered = await api.gql(CREATE_ORG, {"i": first}, token=staff)
    assert not registered.get("errors"), registered
    # when another registers the same short name in full width, with a zero-width space, or
    # in other case, then it is the same key: a conflict
    second = {**first, "shortName": short, "creditCode": "914501000000000270"}
    body = await api.gql(CREATE_ORG, {"i": second}, token=staff)
    assert error_codes(body) == ["CONFLICT"], body


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("ＡＬＩＣＥ", "alice"), ("alice\u200b", "alice"), (" Alice ", "alice")],
)
async def test_hostile_usernames_are_stored_and_found_in_one_form(
    api: Api, world: World, admin: User, typed: str, stored: str
) -> None:
    create = """mutation($u: String!) { createUser(input: {username: $u, displayName: "A",
      password: "Correct-Horse-9!"}) { username } }"""
    body = await api.gql(create, {"u": typed}, token=world.token(admin))
    assert not body.get("errors"), body
    assert body["data"]["createUser"]["username"] == stored
    login = (
        """mutation($u: String!) { login(username: $u, password: "Correct-Horse-9!") { token } }"""
    )
    assert not (await api.gql(login, {"u": typed.upper()})).get("errors")


@pytest.mark.parametrize("typed", ["用户", "a b", "-alice", "ａ" * 65])
async def test_hostile_usernames_outside_the_safe_alphabet_are_refused(
    api: Api, world: World, admin: User, typed: str
) -> None:
    create = """mutation($u: String!) { createUser(input: {username: $u, displayName: "A",
      password: "Correct-Horse-9!"}) { username } }"""
    body = await api.gql(create, {"u": typed}, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"], body


# --- found by a fresh attacker: values the ORM refused, bodies that are not JSON ------------------


@pytest.mark.parametrize(
    ("query", "value"),
    [
        ("query($s: String) { centres(filter: {industry: $s}) { totalCount } }", "x" * 65),
        ("query($s: String) { centres(filter: {cityCode: $s}) { totalCount } }", "x" * 300),
        ("query($s: String) { centres(filter: {industry: $s}) { totalCount } }", "汽" * 10_000),
    ],
)
async def test_hostile_filter_values_longer_than_their_keys_are_bad_input(
    api: Api, world: World, admin: User, query: str, value: str
) -> None:
    body = await api.gql(query, {"s": value}, token=world.token(admin))
    assert error_codes(body) == ["BAD_USER_INPUT"], body


@pytest.mark.parametrize(
    "raw",
    [
        b'{"query":"{ me { username \\xff } }"}'.replace(b"\\xff", b"\xff"),  # not UTF-8
        b'{"query":"{ __typename }","variables":{"a":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
        b'{"query":"{ __typename }","variables":{"a":'
        + b'{"b":' * 50_000
        + b"1"
        + b"}" * 50_000
        + b"}}",
    ],
)
async def test_hostile_bodies_that_are_not_json_are_400(
    client: httpx.AsyncClient, settings: Settings, raw: bytes
) -> None:
    big = settings.model_copy(update={"max_body_bytes": 1_000_000})
    async for http in _client(big):
        response = await http.post(
            "/graphql", content=raw, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text


@pytest.mark.parametrize("opens", ["0001-01-01T00:00:00Z", "1999-12-31T23:00:00Z"])
async def test_hostile_call_instants_outside_the_programme_are_refused(
    api: Api, world: World, opens: str
) -> None:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    create = """mutation($o: DateTime!, $c: DateTime!) { createCall(input: {year: 2030,
      title: "t", opensAt: $o, closesAt: $c, publish: false}) { id } }"""
    for o, c in ((opens, "2030-01-01T00:00:00Z"), ("2030-01-01T00:00:00Z", "9999-12-31T23:59:59Z")):
        body = await api.gql(create, {"o": o, "c": c}, token=world.token(staff))
        assert error_codes(body) == ["BAD_USER_INPUT"], body


DECIDE = """mutation($a: Decimal!) { decideSubsidy(
  centreId: "Centre:00000000-0000-4000-8000-000000000000", approved: $a) { approved } }"""


@pytest.mark.parametrize("amount", [0.1, 5.0000000000000001, 1e-2])
async def test_r_fund_4_a_floating_point_amount_never_enters(
    api: Api, world: World, amount: float
) -> None:
    # given provincial staff, when an amount arrives as a JSON floating-point number
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    body = await api.gql(DECIDE, {"a": amount}, token=world.token(staff))
    # then it is refused before anything reads it: give it as a string
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert "string" in body["errors"][0]["message"]


@pytest.mark.parametrize("literal", ["0.3", "1e2", "5.0"])
async def test_r_fund_4_a_floating_point_literal_never_enters(
    api: Api, world: World, literal: str
) -> None:
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    query = DECIDE.replace("mutation($a: Decimal!)", "mutation").replace("$a", literal)
    body = await api.gql(query, token=world.token(staff))
    assert error_codes(body) == ["BAD_USER_INPUT"], body


@pytest.mark.parametrize("amount", ["5", "5.00", 5])
async def test_r_fund_4_strings_and_whole_numbers_are_amounts(
    api: Api, world: World, amount: object
) -> None:
    # given an amount as a string or a JSON integer, then it passes coercion (and the missing
    # centre is what answers)
    staff = await world.user(RoleName.PROVINCIAL_STAFF)
    body = await api.gql(DECIDE, {"a": amount}, token=world.token(staff))
    assert error_codes(body) == ["NOT_FOUND"], body
