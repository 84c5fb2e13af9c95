"""An IP asset is a document owner (R-IP-1): its co-owners and the centre's lead attach its
certificate or contracts; whoever reads the asset reads them; outside scope is 404."""

from __future__ import annotations

from typing import Any

import httpx

from models.documents import Document, OwnerType
from tests.helpers import gid, pk
from tests.test_ip_register import Register, register

__all__ = ["register"]  # the fixture, shared with tests/test_ip_register.py

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DOCUMENTS = """query($id: ID!) { ipAsset(id: $id) { documents { id kind title } } }"""


async def _upload(register: Register, who: str, **params: Any) -> httpx.Response:
    return await register.api.client.post(
        "/documents",
        content=PDF,
        params={"kind": "OTHER", "title": "专利证书", "fileName": "cert.pdf", **params},
        headers={"authorization": f"Bearer {register.tokens[who]}"},
    )


async def _get(register: Register, who: str, path: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {register.tokens[who]}"}
    return await register.api.client.get(path, headers=headers)


async def test_r_ip_1_co_owners_attach_documents_to_an_asset(register: Register) -> None:
    # given an asset of the lead and b
    asset = await register.asset((register.lead, "50"), (register.b, "50"))
    # when b (a co-owner) attaches its certificate
    response = await _upload(register, "b", ipAssetId=asset)
    # then it is stored as the asset's, and read with the asset
    assert response.status_code == 201, response.text
    document = response.json()["document"]["id"]
    stored = await Document.get(id=pk(document))
    assert (stored.owner_type, stored.owner_id) == (OwnerType.IP_ASSET, pk(asset))
    listed = await register.ok("bystander", DOCUMENTS, id=asset)
    assert listed["ipAsset"]["documents"] == [
        {"id": document, "kind": "OTHER", "title": "专利证书"}
    ]
    assert (await _get(register, "staff", f"/documents/{document}/content")).status_code == 200
    # and the lead adds a version of it
    version = await register.api.client.post(
        f"/documents/{document}/versions",
        content=PDF,
        params={"fileName": "cert-v2.pdf"},
        headers={"authorization": f"Bearer {register.tokens['lead']}"},
    )
    assert version.status_code == 201, version.text


async def test_r_acc_5_others_cannot_attach_to_an_asset_nor_read_its_documents(
    register: Register,
) -> None:
    # given an asset of the lead with a certificate
    asset = await register.asset((register.lead, "100"))
    document = (await _upload(register, "lead", ipAssetId=asset)).json()["document"]["id"]
    # when a member that co-owns nothing attaches, or adds a version: forbidden
    assert (await _upload(register, "bystander", ipAssetId=asset)).status_code == 403
    again = await register.api.client.post(
        f"/documents/{document}/versions",
        content=PDF,
        params={"fileName": "x.pdf"},
        headers={"authorization": f"Bearer {register.tokens['bystander']}"},
    )
    assert again.status_code == 403
    # and an outsider: not found, for the upload and the download alike
    assert (await _upload(register, "outsider", ipAssetId=asset)).status_code == 404
    assert (await _get(register, "outsider", f"/documents/{document}/content")).status_code == 404
    # and naming two records is refused
    both = await _upload(register, "lead", ipAssetId=asset, centreId=gid(register.centre))
    assert both.status_code == 400
    assert await Document.all().count() == 1
