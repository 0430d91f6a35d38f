"""The pages built from the content files, without a browser or a server."""

from __future__ import annotations

import shutil
from html import unescape

from safeguarding.content.loader import get_content, load_content
from tests.conftest import ROOT
from web.pages import build_site

CONTENT = get_content()


def test_the_pages_are_built_from_the_content_files(tmp_path):
    content_dir = tmp_path / "content"
    shutil.copytree(ROOT / "content", content_dir)
    directory = (content_dir / "organisations.yml").read_text(encoding="utf-8")
    (content_dir / "organisations.yml").write_text(
        directory.replace("phone: 0800 555 111", "phone: 0800 555 999"), encoding="utf-8"
    )
    web = (content_dir / "web.yml").read_text(encoding="utf-8")
    (content_dir / "web.yml").write_text(web.replace("Leave this site", "Quick exit"), encoding="utf-8")
    build_site(tmp_path / "site", "http://127.0.0.1:5005", load_content(content_dir))
    staff = (tmp_path / "site" / "staff" / "index.html").read_text(encoding="utf-8")
    chat = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "0800 555 999" in staff and "0800 555 111" not in staff
    assert "Quick exit" in chat
    for org in CONTENT.organisations.values():
        assert f'id="service-{org["id"]}"' in staff
    for sign_id in CONTENT.warning_signs:
        assert f'id="sign-{sign_id}"' in staff


def test_the_pages_load_nothing_from_another_host(tmp_path):
    build_site(tmp_path, "http://127.0.0.1:5005")
    for page in (tmp_path / "index.html", tmp_path / "staff" / "index.html"):
        html = page.read_text(encoding="utf-8")
        policy = unescape(html.split('http-equiv="Content-Security-Policy" content="')[1].split('"')[0])
        assert "default-src 'none'" in policy
        assert "https:" not in policy and "*" not in policy
        assert '<script src="http' not in html and '<link rel="stylesheet" href="http' not in html
