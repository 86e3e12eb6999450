"""No CDN: every stylesheet, script and font the pages use is served by the app itself."""

import re

import html5lib
import pytest


@pytest.fixture
def db_kind():
    return "sqlite"


def test_pages_load_only_local_assets(admin_client, app):
    assets = set()
    for url in ("/login", "/admin/", "/admin/lossreason/", "/admin/lossreason/new/", "/admin/regulations/"):
        client = app.test_client() if url == "/login" else admin_client
        document = html5lib.parse(client.get(url).get_data(as_text=True), namespaceHTMLElements=False)
        for element in document.iter():
            target = element.attrib.get("src") if element.tag == "script" else (
                element.attrib.get("href") if element.tag == "link" else None)
            if target:
                assets.add(target)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in assets:
        if ".css" in asset:
            response = admin_client.get(asset)
            css = response.get_data(as_text=True)
            response.close()
            assert not re.search(r"(@import|url\()\s*['\"]?(https?:)?//", css), asset
