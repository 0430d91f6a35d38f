"""The parent chat page and the helpline staff lookup page, in headless Chromium.

The real servers run: the Rasa server (socket.io channel), the action server
and the pages' own web server, all on 127.0.0.1. The only thing stubbed is the
neutral site that "Leave this site" goes to, which is outside this machine.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Dict, Iterator, List
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from safeguarding.content.loader import get_content
from tests.conftest import MODEL, ROOT
from tests.servers import VENV_BIN, free_port, start, start_actions, start_rasa, stop
from web.pages import build_site

pytestmark = pytest.mark.system

RESULTS = ROOT / "results"
SCREENSHOTS = RESULTS / "screenshots"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
STORE = "safeguarding-chat"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
REPLY_TIMEOUT = 30_000

CONTENT = get_content()
EXIT_URL = CONTENT.web["leave"]["url"]


class Site:
    """The running pages and servers."""

    def __init__(self, web_port: int, directory: Path) -> None:
        self.chat = f"http://127.0.0.1:{web_port}/"
        self.staff = f"http://127.0.0.1:{web_port}/staff/"
        self.directory = directory


def _serve(name: str, directory: Path, port: int) -> subprocess.Popen:
    args = [str(VENV_BIN / "python"), "-m", "web.pages", "serve", "--dir", str(directory)]
    return start(name, [*args, "--port", str(port)], f"http://127.0.0.1:{port}/")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Iterator[Site]:
    assert MODEL.exists(), f"{MODEL} is missing: run `make train`"
    directory = tmp_path_factory.mktemp("web")
    web_port = free_port()
    actions, action_port = start_actions("actions-web")
    cors = ["--cors", f"http://127.0.0.1:{web_port}"]
    rasa, rasa_port = start_rasa("rasa-web", action_port, tmp_path_factory.mktemp("rasa-web"), cors)
    build_site(directory, f"http://127.0.0.1:{rasa_port}")
    web = _serve("web", directory, web_port)
    yield Site(web_port, directory)
    for process in (web, rasa, actions):
        stop(process)


@pytest.fixture(scope="module")
def site_without_assistant(tmp_path_factory) -> Iterator[Site]:
    """The pages, pointed at a Rasa server that is not running."""
    directory = tmp_path_factory.mktemp("web-alone")
    build_site(directory, f"http://127.0.0.1:{free_port()}")
    port = free_port()
    web = _serve("web-alone", directory, port)
    yield Site(port, directory)
    stop(web)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = shutil.which("chromium")
    assert executable, "Chromium is missing: `make browser` installs Debian's chromium"
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Visit:
    """One browser tab, with every request it makes written down."""

    def __init__(self, browser, viewport: Dict[str, int], bypass_csp: bool = False) -> None:
        self.context = browser.new_context(viewport=viewport, bypass_csp=bypass_csp)
        self.requests: List[str] = []
        self.outside: List[str] = []
        self.errors: List[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("websocket", lambda ws: self.requests.append(ws.url))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route) -> None:
        url = route.request.url
        self.requests.append(url)
        if urlsplit(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            # The neutral site "Leave this site" goes to is outside this machine.
            self.outside.append(url)
            route.fulfill(status=200, content_type="text/html", body="<title>Weather</title><p>Weather</p>")

    def open_chat(self, site: Site) -> None:
        """Open the chat page and wait until it is connected to the assistant."""
        self.page.goto(site.chat)
        self.page.wait_for_selector("#sg-status")
        deadline = time.monotonic() + REPLY_TIMEOUT / 1000
        while self.page.locator("#sg-status").inner_text() != "":
            assert time.monotonic() < deadline, self.page.locator("#sg-status").inner_text()
            self.page.wait_for_timeout(200)

    def bot_messages(self) -> List[str]:
        return [
            text.removeprefix("Assistant:").strip() for text in self.page.locator(".sg-bot").all_inner_texts()
        ]

    def say(self, text: str) -> List[str]:
        """Type a message, press Enter, and return the bot's new messages."""
        before = self.page.locator(".sg-bot").count()
        self.page.fill("#sg-input", text)
        self.page.press("#sg-input", "Enter")
        return self.wait_for_replies(before)

    def wait_for_replies(self, before: int) -> List[str]:
        self.page.locator(".sg-bot").nth(before).wait_for(timeout=REPLY_TIMEOUT)
        # A reply can come in several bubbles: wait until no new one has come for a moment.
        count = -1
        while count != self.page.locator(".sg-bot").count():
            count = self.page.locator(".sg-bot").count()
            self.page.wait_for_timeout(700)
        return self.bot_messages()[before:]

    def stored(self) -> Dict | None:
        return json.loads(self.page.evaluate(f"sessionStorage.getItem('{STORE}')") or "null")

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser) -> Iterator[Visit]:
    tab = Visit(browser, DESKTOP)
    yield tab
    tab.close()


def test_a_question_gets_an_answer(site, visit):
    visit.open_chat(site)
    replies = visit.say("wat is groomin")
    assert replies[0].startswith("Grooming is the way people who want to harm children get close to them")
    assert visit.page.locator(".sg-user").last.inner_text().endswith("wat is groomin")


def test_the_page_opens_with_the_notice(site, visit):
    visit.open_chat(site)
    notice = visit.page.locator(".sg-notice").inner_text()
    phone = CONTENT.organisation(CONTENT.directory["person_service"])["phone"]
    assert "automated assistant, not a person" in notice
    assert "call 999" in notice
    assert f"NSPCC Helpline on {phone}" in notice
    assert visit.page.locator(f'.sg-notice a[href="tel:{phone.replace(" ", "")}"]').count() == 1


def test_a_quick_reply_can_be_clicked_and_is_answered(site, visit):
    visit.open_chat(site)
    visit.say("what is grooming")
    before = visit.page.locator(".sg-bot").count()
    visit.page.get_by_role("button", name="Who can help?").click()
    replies = visit.wait_for_replies(before)
    assert visit.page.locator(".sg-user").last.inner_text().endswith("Who can help?")
    assert any("CEOP" in reply for reply in replies)
    # Links in a reply can be clicked, and open outside the chat.
    link = visit.page.locator('.sg-bot a[href^="https://www.ceop.police.uk/"]').first
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    # Answered quick replies go away, so an old one cannot be clicked by mistake.
    assert visit.page.get_by_role("button", name="About Sexual exploitation").count() == 0


def test_danger_shows_999_and_never_confront(site, visit):
    visit.open_chat(site)
    replies = visit.say("shes meeting a man she met on snapchat tonite")
    assert "call 999 now" in replies[0]
    assert "Never confront a potential abuser yourself" in "\n".join(replies)
    assert any("CEOP" in reply for reply in replies[1:])


def test_the_chat_can_be_used_with_the_keyboard_alone(site, visit):
    visit.open_chat(site)
    page = visit.page
    # The first stop is "Leave this site"; the message box is reachable with Tab.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == CONTENT.web["leave"]["button"]
    for _ in range(10):
        if page.evaluate("document.activeElement.id") == "sg-input":
            break
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "sg-input"
    before = page.locator(".sg-bot").count()
    page.keyboard.type("what is county lines")
    page.keyboard.press("Enter")
    visit.wait_for_replies(before)
    # Quick replies come next in the tab order after the log; Enter answers one.
    for _ in range(15):
        if page.evaluate("document.activeElement.className") == "sg-quick-reply":
            break
        page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.className") == "sg-quick-reply"
    chosen = page.evaluate("document.activeElement.textContent")
    before = page.locator(".sg-bot").count()
    page.keyboard.press("Enter")
    visit.wait_for_replies(before)
    assert page.locator(".sg-user").last.inner_text().endswith(chosen)
    # Focus is visible: the focused element gets an outline.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"


def test_the_conversation_is_kept_for_the_tab_only(site, visit):
    visit.open_chat(site)
    visit.say("what is sextortion")
    stored = visit.stored()
    assert stored["messages"][0] == {"from": "user", "text": "what is sextortion"}
    assert visit.page.evaluate("localStorage.length") == 0
    visit.page.reload()
    visit.page.wait_for_selector(".sg-bot")
    assert visit.page.locator(".sg-user").first.inner_text().endswith("what is sextortion")
    # The same conversation goes on after the reload: the session id is unchanged.
    replies = visit.say("who can help")
    assert visit.stored()["sessionId"] == stored["sessionId"]
    assert any("CEOP" in reply for reply in replies)


def _leave_then_come_back(visit: Visit, site: Site, leave) -> None:
    visit.open_chat(site)
    visit.say("what is grooming")
    assert visit.stored() is not None
    leave(visit.page)
    visit.page.wait_for_url(EXIT_URL, timeout=10_000)
    assert visit.outside == [EXIT_URL]
    # location.replace: Back does not return to the chat.
    visit.page.go_back()
    assert not visit.page.url.startswith(site.chat)
    # The chat was deleted from session storage before leaving.
    visit.page.goto(site.chat)
    visit.page.wait_for_selector("#sg-log")
    assert visit.stored() is None
    assert visit.page.locator(".sg-message").count() == 0


def test_leave_this_site_replaces_the_page_and_deletes_the_chat(site, visit):
    _leave_then_come_back(
        visit, site, lambda page: page.get_by_role("button", name="Leave this site").click()
    )


def test_shift_three_times_leaves(site, visit):
    def press_shift_three_times(page) -> None:
        page.locator("#sg-input").focus()
        for _ in range(3):
            page.keyboard.press("Shift")

    _leave_then_come_back(visit, site, press_shift_three_times)


def test_escape_leaves(site, visit):
    _leave_then_come_back(visit, site, lambda page: page.keyboard.press("Escape"))


def test_shift_twice_or_slowly_does_not_leave(site, visit):
    visit.open_chat(site)
    visit.page.locator("#sg-input").focus()
    visit.page.keyboard.press("Shift")
    visit.page.keyboard.press("Shift")
    visit.page.keyboard.type("A")
    visit.page.keyboard.press("Shift")
    visit.page.wait_for_timeout(300)
    assert visit.page.url == site.chat
    assert visit.outside == []


def test_the_leave_button_says_history_is_not_erased(site, visit):
    visit.open_chat(site)
    bar = visit.page.locator(".sg-leave")
    assert "doesn't erase your browser history" in bar.inner_text()
    bar.locator("summary").click()
    assert "Ctrl+H" in bar.inner_text()


def test_a_script_typed_as_a_message_is_not_executed(site, visit):
    visit.open_chat(site)
    attack = '<img src=x onerror="window.hacked=1"><script>window.hacked=2</script> [a](javascript:hacked=3)'
    visit.say(attack)
    assert visit.page.locator(".sg-user").last.inner_text().endswith(attack)
    assert visit.page.evaluate("window.hacked") is None
    assert visit.page.locator("#sg-log img, #sg-log script").count() == 0
    assert visit.page.locator('#sg-log a[href^="javascript"]').count() == 0
    assert visit.errors == []


def test_an_overlong_message_is_refused_with_a_message(site, visit):
    visit.open_chat(site)
    limit = CONTENT.web["chat"]["max_length"]
    visit.page.fill("#sg-input", "a" * (limit + 1))
    visit.page.press("#sg-input", "Enter")
    assert visit.page.locator("#sg-status").inner_text() == CONTENT.web["chat"]["too_long"].format(max=limit)
    assert visit.page.locator(".sg-message").count() == 0


def test_when_the_assistant_cannot_be_reached_the_page_gives_999_and_the_helpline(
    site_without_assistant, visit
):
    visit.page.goto(site_without_assistant.chat)
    status = visit.page.locator("#sg-status")
    status.filter(has_text="call 999").wait_for(timeout=REPLY_TIMEOUT)
    assert "NSPCC Helpline" in status.inner_text()


def test_no_request_leaves_this_machine(site, visit):
    visit.open_chat(site)
    visit.say("my son has 2 phones")
    visit.page.get_by_role("button", name="Not sure").click()
    visit.page.wait_for_timeout(1500)
    visit.page.goto(site.staff)
    visit.page.fill("#search", "county lines")
    assert visit.requests, "no request was seen"
    assert any(url.startswith("ws://127.0.0.1") for url in visit.requests), "the chat used no websocket"
    assert visit.outside == []
    assert [url for url in visit.requests if urlsplit(url).hostname not in LOCAL_HOSTS] == []


AXE_RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def _violations(tab: Visit) -> List[Dict]:
    """Run axe-core (from npm, injected from this machine) on the tab's page."""
    tab.page.add_script_tag(path=str(AXE))
    result = tab.page.evaluate("rules => axe.run(document, {runOnly: rules})", AXE_RULES)
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"])}
        for v in result["violations"]
    ]


def _axe(browser, url: str, prepare=None) -> List[Dict]:
    tab = Visit(browser, DESKTOP, bypass_csp=True)
    try:
        tab.page.goto(url)
        if prepare:
            prepare(tab)
        found = _violations(tab)
        assert tab.outside == []
        return found
    finally:
        tab.close()


def test_the_accessibility_check_finds_a_real_violation(browser):
    tab = Visit(browser, DESKTOP, bypass_csp=True)
    try:
        tab.page.set_content('<html><body><img src="data:,"><button></button></body></html>')
        found = {v["id"]: v["impact"] for v in _violations(tab)}
    finally:
        tab.close()
    assert found["image-alt"] == "critical"
    assert found["button-name"] == "critical"


def test_axe_finds_no_serious_or_critical_violations(site, browser):
    def chat_with_quick_replies(tab: Visit) -> None:
        tab.open_chat(site)
        tab.say("what is grooming")

    report = {
        "chat page": _axe(browser, site.chat, chat_with_quick_replies),
        "staff page": _axe(browser, site.staff),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "axe.json").write_text(json.dumps(report, indent=2))
    serious = {
        page: [v for v in found if v["impact"] in ("serious", "critical")] for page, found in report.items()
    }
    assert serious == {"chat page": [], "staff page": []}


def test_the_chat_works_on_a_phone_sized_screen(site, browser):
    tab = Visit(browser, PHONE)
    try:
        tab.open_chat(site)
        replies = tab.say("my daughter has a 2nd phone")
        assert replies[0].startswith("Having more than one phone")
        page = tab.page
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(300)
        assert page.get_by_role("button", name="Leave this site").is_visible()
        box = page.get_by_role("button", name="Leave this site").bounding_box()
        assert box["y"] >= 0 and box["height"] >= 24
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "chat-phone.png"))
    finally:
        tab.close()


def test_screenshots_of_both_pages(site, browser):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    chat = Visit(browser, DESKTOP)
    try:
        chat.open_chat(site)
        chat.say("my son has 2 phones and i didnt buy the second one")
        chat.page.screenshot(path=str(SCREENSHOTS / "chat-desktop.png"))
    finally:
        chat.close()
    for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        staff = Visit(browser, viewport)
        try:
            staff.page.goto(site.staff)
            staff.page.fill("#search", "two phones")
            staff.page.screenshot(path=str(SCREENSHOTS / f"staff-{name}.png"))
        finally:
            staff.close()
    assert {p.name for p in SCREENSHOTS.glob("*.png")} >= {
        "chat-desktop.png",
        "staff-desktop.png",
        "staff-phone.png",
    }


# --- The helpline staff page -------------------------------------------------


def _visible_cards(page) -> List[str]:
    return page.eval_on_selector_all(".card:not([hidden])", "cards => cards.map(c => c.id)")


def test_staff_search_for_two_phones_finds_the_sign_with_ceop_and_its_last_checked_date(site, visit):
    visit.page.goto(site.staff)
    visit.page.fill("#search", "two phones")
    assert "sign-more_than_one_phone" in _visible_cards(visit.page)
    assert "sign-online_secrecy" not in _visible_cards(visit.page)
    card = visit.page.locator("#sign-more_than_one_phone")
    ceop = CONTENT.organisation("ceop")
    service = card.locator(".service", has_text=ceop["name"])
    assert f"Last checked {ceop['last_checked']}" in service.inner_text()
    assert CONTENT.warning_signs["more_than_one_phone"]["why_it_matters"].split(".")[0] in card.inner_text()
    assert visit.page.locator("#result-count").inner_text() == CONTENT.web["staff"]["result_one"]


@pytest.mark.parametrize(
    ("query", "card"),
    [
        ("county lines", "topic-gangs"),
        ("radicalisation", "topic-radicalisation"),
        ("my son has 2 phones", "sign-more_than_one_phone"),
        ("sextortion", "danger-sextortion"),
        ("quilliam", "service-quilliam"),
    ],
)
def test_staff_search_finds_by_keyword_or_warning_sign(site, visit, query, card):
    visit.page.goto(site.staff)
    visit.page.fill("#search", query)
    assert card in _visible_cards(visit.page)


def test_staff_page_marks_closed_and_unconfirmed_services(site, visit):
    visit.page.goto(site.staff)
    visit.page.fill("#search", "quilliam")
    quilliam = visit.page.locator("#service-quilliam")
    assert CONTENT.web["staff"]["status"]["closed"] in quilliam.inner_text()
    assert "Phone" not in quilliam.locator(".service").inner_text()
    visit.page.fill("#search", "gangs unite")
    gangs_unite = visit.page.locator("#service-gangs_unite")
    assert CONTENT.web["staff"]["status"]["inactive"] in gangs_unite.inner_text()
    assert gangs_unite.locator("a").count() == 0
    visit.page.fill("#search", "missing people")
    missing = visit.page.locator("#service-missing_people")
    assert "opening hours not confirmed" in missing.inner_text()
    assert "When closed or not answering: Police non-emergency number 101." in missing.inner_text()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_staff_page_keeps_long_addresses_inside_their_cards(browser, site, viewport):
    tab = Visit(browser, viewport)
    try:
        tab.page.goto(site.staff)
        overflowing = tab.page.eval_on_selector_all(
            ".card, .service",
            "els => els.filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.textContent.slice(0, 60))",
        )
        assert overflowing == []
        address = tab.page.locator("#service-report_remove .address a")
        card = tab.page.locator("#service-report_remove")
        a, c = address.bounding_box(), card.bounding_box()
        assert a["x"] + a["width"] <= c["x"] + c["width"]
        assert tab.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        tab.close()


def test_staff_page_separates_hours_from_the_address_and_says_what_happens(site, visit):
    visit.page.goto(site.staff)
    visit.page.fill("#search", "act early")
    card = visit.page.locator("#service-act_early").inner_text()
    assert "(open every day, 9am to 5pm, UK time)" in card
    assert "UK time)https" not in card and ".https" not in card
    assert "Can you stay anonymous?" in card and "What happens next" in card
    assert "Who answers" in card
    whole = visit.page.locator("main").inner_text()
    assert re.search(r"[).]https?://", whole) is None


def test_staff_page_shows_the_danger_advice(site, visit):
    visit.page.goto(site.staff)
    danger = visit.page.locator("section.danger").inner_text()
    assert "call 999 now" in danger
    assert "Never confront a potential abuser yourself" in danger


def test_staff_search_with_no_match_says_so(site, visit):
    visit.page.goto(site.staff)
    visit.page.fill("#search", "xylophone")
    assert _visible_cards(visit.page) == []
    assert visit.page.locator("#no-results").is_visible()


def test_staff_page_works_offline_once_loaded(site, visit):
    visit.page.goto(site.staff)
    visit.context.set_offline(True)
    visit.page.fill("#search", "county lines")
    assert "topic-gangs" in _visible_cards(visit.page)
    visit.context.set_offline(False)


def test_staff_page_prints_the_cards_without_the_search_box(site, visit):
    visit.page.goto(site.staff)
    visit.page.emulate_media(media="print")
    assert not visit.page.locator("form.search").is_visible()
    assert visit.page.locator("#sign-more_than_one_phone").is_visible()
    pdf = visit.page.pdf()
    assert pdf.startswith(b"%PDF")
