"""Build and serve the parent chat page and the helpline staff lookup page.

Both pages come from the content files, so they say what the assistant says.
The chat page loads the chat widget and socket.io-client from the project
itself; the staff page is one self-contained file (its styles, script and
every card inline) that keeps working when the connection drops. Each page
carries a Content-Security-Policy that lets it talk to no other host.

    python -m web.pages build --out build/web --socket-url http://127.0.0.1:5005
    python -m web.pages serve --dir build/web --port 8080
"""

from __future__ import annotations

import argparse
import base64
import datetime
import hashlib
import json
import re
import shutil
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterable, List
from urllib.parse import urlsplit

import jinja2
import yaml

from safeguarding.content import freshness, hours
from safeguarding.content.loader import Content, get_content

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
SOCKET_IO = WEB / "node_modules" / "socket.io-client" / "dist" / "socket.io.min.js"
# Words of a pattern: "{group}", "*" and "=" are pattern syntax, not words a parent types.
_PATTERN_SYNTAX = re.compile(r"\{[a-z_]+\}|[*=|]")
_WORD = re.compile(r"[a-z0-9]+")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def _origins(socket_url: str) -> str:
    """The socket.io server's origin, for http(s) polling and ws(s) websockets."""
    parts = urlsplit(socket_url)
    secure = parts.scheme == "https"
    return f"{parts.scheme}://{parts.netloc} {'wss' if secure else 'ws'}://{parts.netloc}"


def search_terms(*texts: str | Iterable[str]) -> str:
    """The lower-case words a staff search can find a card by."""
    words: Dict[str, None] = {}
    for text in texts:
        for part in [text] if isinstance(text, str) else text:
            for word in _WORD.findall(_PATTERN_SYNTAX.sub(" ", part.lower())):
                words[word] = None
    return " ".join(words)


def domain_response(name: str) -> str:
    """The text of a response in domain.yml (the replies the Rasa server sends itself)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][name][0]["text"].strip()


def staff_cards(content: Content) -> Dict[str, List[Dict[str, Any]]]:
    """Every card of the staff page by section, each with the words it is found by."""
    topics = content.topics
    signs = content.warning_signs
    person = content.directory["person_service"]

    def services(ids: Iterable[str]) -> List[Dict[str, Any]]:
        return [content.organisation(i) for i in dict.fromkeys(ids)]

    topic_cards = [
        {
            "id": f"topic-{topic_id}",
            "title": topic["name"],
            "topic": topic,
            "signs": [s["label"] for s in signs.values() if topic_id in s["topics"]],
            "help": services(topic["help"]),
            "report": services(topic["report"]),
            "terms": search_terms(topic["name"], topic["keywords"], topic_id.replace("_", " ")),
        }
        for topic_id, topic in topics.items()
    ]
    sign_cards = [
        {
            "id": f"sign-{sign['id']}",
            "title": sign["label"],
            "sign": sign,
            "goes_with": [signs[s]["label"] for s in sign["goes_with"]],
            "points_to": [topics[t]["name"] for t in sign["topics"]],
            "services": services([*content.services_for_topics(sign["topics"]), person]),
            "terms": search_terms(sign["label"], sign["short"], sign["patterns"], sign["kind"], "sign"),
        }
        for sign in signs.values()
    ]
    danger_cards = [
        {
            "id": f"danger-{kind_id}",
            "title": kind["label"],
            "kind": kind,
            "services": services(kind["services"]),
            "terms": search_terms(kind["label"], kind_id.replace("_", " "), "danger 999"),
        }
        for kind_id, kind in content.danger["kinds"].items()
    ]
    service_cards = [
        {
            "id": f"service-{org['id']}",
            "title": org["name"],
            "org": org,
            "replaced_by": services(org.get("replaced_by", [])),
            "terms": search_terms(org["name"], org["aliases"], org["covers"], org["audience"], org["status"]),
        }
        for org in content.organisations.values()
    ]
    return {"topics": topic_cards, "signs": sign_cards, "danger": danger_cards, "services": service_cards}


def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(WEB / "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: "</script>" cannot end it early."""
    return json.dumps(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _person_phone(content: Content) -> str:
    return content.organisation(content.directory["person_service"])["phone"]


def chat_texts(content: Content) -> Dict[str, Any]:
    """The widget's wording, with the NSPCC Helpline's number filled in."""
    phone = _person_phone(content)
    chat = dict(content.web["chat"])
    chat["notice"] = [line.format(phone=phone) for line in chat["notice"]]
    chat["unavailable"] = chat["unavailable"].format(phone=phone)
    return {"chat": chat, "leave": content.web["leave"]}


def build_chat_page(out: Path, content: Content, socket_url: str) -> None:
    """The charity's page with the chat widget, and the files it loads."""
    texts = chat_texts(content)
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        f"connect-src 'self' {_origins(socket_url)}; base-uri 'none'; form-action 'none'"
    )
    html = (
        _environment()
        .get_template("chat.html")
        .render(texts=texts, texts_json=_script_json(texts), socket_url=socket_url, csp=csp)
    )
    (out / "index.html").write_text(html, encoding="utf-8")
    for name in ("chat-widget.js", "chat-widget.css", "page.css", "favicon.svg"):
        shutil.copyfile(WEB / "chat" / name, out / name)
    vendor = out / "vendor"
    vendor.mkdir(exist_ok=True)
    if not SOCKET_IO.exists():
        raise SystemExit(f"{SOCKET_IO} is missing: run `make site` (npm ci in web/)")
    shutil.copyfile(SOCKET_IO, vendor / "socket.io.min.js")


def staff_hours(org: Dict[str, Any], content: Content) -> Dict[str, str]:
    """When a line is open, and what to use when it is closed, as the staff page says it."""
    staff = content.web["staff"]
    said = org.get("hours")
    if said == hours.ALWAYS:
        when = staff["hours_always"]
    elif isinstance(said, dict):
        when = staff["hours_scheduled"].format(hours=hours.hours_text(said, content.guidance["day_names"]))
    else:
        when = staff["hours_unconfirmed"]
    alternatives = "; ".join(
        f"{alt['name']} {alt['phone']}" for alt in content.live_organisations(org.get("when_closed", []))
    )
    closed = staff["when_closed"].format(services=alternatives) if alternatives else ""
    if org.get("out_of_hours"):
        closed = f"{content.guidance['formats']['out_of_hours'].format(what=org['out_of_hours'])} {closed}"
    return {"when": when, "closed": closed}


def build_staff_page(out: Path, content: Content, built: datetime.date) -> None:
    """The helpline staff lookup page: one file, its style and script inline.

    Entries last checked more than review_after_months before ``built`` are marked "check due".
    """
    months = content.directory["review_after_months"]
    due = {org["id"] for org in freshness.due_for_review(content.organisations.values(), built, months)}
    opening = {org_id: staff_hours(org, content) for org_id, org in content.organisations.items()}
    style = (WEB / "staff" / "staff.css").read_text(encoding="utf-8")
    script = (WEB / "staff" / "staff.js").read_text(encoding="utf-8")
    staff = content.web["staff"]
    settings = _script_json(
        {"ignore": staff["ignore_words"], "results": staff["results"], "result_one": staff["result_one"]}
    )
    csp = (
        f"default-src 'none'; script-src {_sha256(script)}; style-src {_sha256(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    html = (
        _environment()
        .get_template("staff.html")
        .render(
            staff=staff,
            cards=staff_cards(content),
            danger_999=domain_response("utter_danger_999"),
            never_confront=domain_response("utter_never_confront"),
            what_to_do=content.guidance["what_to_do"],
            caveat=content.guidance["sign_caveat"],
            due=due,
            check_due_note=content.web["staff"]["check_due_note"].format(months=months),
            opening=opening,
            built=staff["built"].format(date=built.isoformat()),
            style=style,
            script=script,
            settings=settings,
            csp=csp,
        )
    )
    folder = out / "staff"
    folder.mkdir(exist_ok=True)
    (folder / "index.html").write_text(html, encoding="utf-8")


def build_site(out: Path, socket_url: str, content: Content | None = None) -> None:
    """Write both pages to ``out``."""
    content = content or get_content()
    out.mkdir(parents=True, exist_ok=True)
    build_chat_page(out, content, socket_url)
    build_staff_page(out, content, datetime.date.today())


class _Handler(SimpleHTTPRequestHandler):
    """Static files, with headers that keep the pages private and self-contained."""

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        """Log nothing: a request line could say who visited."""


def serve(directory: Path, host: str, port: int) -> None:
    """Serve the built pages until interrupted."""
    server = ThreadingHTTPServer((host, port), partial(_Handler, directory=str(directory)))
    address = f"http://{host}:{port}"
    print(f"Parent chat page: {address}/   Helpline lookup: {address}/staff/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def main() -> None:
    """Build or serve the pages."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build both pages from the content files")
    build.add_argument("--out", type=Path, default=ROOT / "build" / "web")
    build.add_argument("--socket-url", default="http://127.0.0.1:5005", help="where the Rasa server listens")
    run = commands.add_parser("serve", help="serve the built pages")
    run.add_argument("--dir", type=Path, default=ROOT / "build" / "web")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    if args.command == "build":
        build_site(args.out, args.socket_url)
    else:
        serve(args.dir, args.host, args.port)


if __name__ == "__main__":
    main()
