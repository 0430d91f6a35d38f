"""The content files: schema, cross-references, and the source text's every point."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml

from safeguarding.content.loader import CONTENT_DIR, ContentError, load_content

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "source" / "online-grooming.txt"


def test_content_files_match_their_schema_and_each_other(content):
    assert len(content.organisations) >= 15
    assert set(content.topics) == {"grooming", "sexual_exploitation", "radicalisation", "gangs"}


def test_every_organisation_has_a_source_and_a_past_last_checked_date(content):
    today = datetime.date.today()
    for org in content.organisations.values():
        assert org["source"].strip(), org["id"]
        checked = datetime.date.fromisoformat(org["last_checked"])
        assert checked <= today, f"{org['id']} last_checked is in the future"


def test_every_warning_sign_has_guidance_and_related_signs(content):
    for sign in content.warning_signs.values():
        assert len(sign["why_it_matters"]) > 40, sign["id"]
        assert sign["goes_with"], sign["id"]
        assert sign["id"] not in sign["goes_with"], sign["id"]


def test_quilliam_is_closed_and_never_offered(content):
    quilliam = content.organisation("quilliam")
    assert quilliam["status"] == "closed"
    assert "2021" in quilliam["closed"]
    assert set(quilliam["replaced_by"]) == {"act_early", "educate_against_hate"}
    offered = [o for topic in content.topics.values() for role in ("help", "report") for o in topic[role]]
    offered += [s for kind in content.danger["kinds"].values() for s in kind["services"]]
    assert "quilliam" not in offered
    assert all(content.organisation(o)["status"] != "closed" for o in offered)


def test_radicalisation_goes_to_act_early_and_educate_against_hate(content):
    assert content.topic("radicalisation")["help"] == ["act_early", "educate_against_hate"]


def test_phone_numbers_are_the_checked_ones(content):
    phones = {o["id"]: o.get("phone") for o in content.organisations.values()}
    assert phones["nspcc_helpline"] == "0808 800 5000"
    assert phones["childline"] == "0800 1111"
    assert phones["act_early"] == "0800 011 3764"
    assert phones["anti_terrorist_hotline"] == "0800 789 321"
    assert phones["crimestoppers"] == "0800 555 111"


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def _read(path: Path):
    return yaml.load(path.read_text(), Loader=yaml.CSafeLoader)


def _write(path: Path, data) -> None:
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper))


def test_a_missing_source_is_reported_with_file_and_place(tmp_path):
    directory = _copy_content(tmp_path)
    path = directory / "organisations.yml"
    data = _read(path)
    del data["organisations"][0]["source"]
    _write(path, data)
    with pytest.raises(ContentError, match=r"organisations.yml at organisations/0: 'source' is a required"):
        load_content(directory)


def test_a_closed_service_offered_for_a_topic_is_refused(tmp_path):
    directory = _copy_content(tmp_path)
    path = directory / "guidance.yml"
    path.write_text(path.read_text().replace("help: [act_early, educate_against_hate]", "help: [quilliam]"))
    with pytest.raises(ContentError, match="'quilliam' is closed and must not be offered"):
        load_content(directory)


def test_broken_yaml_is_reported_with_the_file(tmp_path):
    directory = _copy_content(tmp_path)
    (directory / "danger.yml").write_text("kinds: [unclosed\n")
    with pytest.raises(ContentError, match="danger.yml"):
        load_content(directory)


def _seed_section(title: str) -> list[str]:
    after = SEED.read_text(encoding="utf-8").split(title, 1)[1]
    blocks = [block for block in after.split("\n\n") if block.startswith("- ")]
    return [line[2:] for line in blocks[0].splitlines()]


def test_every_online_sign_in_the_source_text_is_recognised(entities, content):
    bullets = _seed_section("Warning signs - online")
    assert len(bullets) == 5
    found = [{e["value"] for e in entities.extract(b) if e["entity"] == "warning_sign"} for b in bullets]
    expected = [
        "online_secrecy",
        "more_than_one_phone",
        "unknown_contacts",
        "always_on_phone",
        "older_friends",
    ]
    for bullet, signs, sign_id in zip(bullets, found, expected, strict=True):
        assert sign_id in signs, bullet
        assert content.warning_signs[sign_id]["kind"] == "online"


def test_the_offline_signs_of_the_source_text_are_recognised(entities):
    values = {e["value"] for e in entities.extract("staying out all night or dressing differently")}
    assert {"staying_out", "dressing_differently"} <= values


@pytest.fixture(scope="module")
def guidance_text(content) -> str:
    """The guidance file's text in lower case, on one line."""
    return re.sub(r"\s+", " ", yaml.safe_dump(content.guidance, width=10_000)).lower()


@pytest.mark.parametrize(
    "point",
    [
        "make them believe abusive behaviour is normal",
        "Sometimes, but not always, grooming happens online",
        "usually associated with sexual exploitation",
        "vulnerable, insecure or disillusioned",
        "violence and intolerance are normal",
        "Social media has been a powerful recruitment tool",
        "looking to gain respect and fit in",
        "feeling like you belong",
        "Most gang recruitment happens offline",
        "social media can be used to promote",
        "not all, or even most, grooming happens online",
        "staying out all night or dressing differently",
    ],
)
def test_each_point_of_the_source_text_is_in_the_guidance(guidance_text, point):
    assert point.lower() in guidance_text


# --- Sexual images of a child: never screenshot, save, copy or forward -------

_COPY = re.compile(
    r"\b(screenshots?|screenshotting|screen ?grab\w*|sav(?:e|es|ed|ing)|cop(?:y|ies|ied|ying)|forward\w*)\b"
)
_IMAGE = re.compile(r"\b(images?|photos?|pictures?|pics?|nudes?|videos?|selfies?)\b")
_NEVER = re.compile(r"\b(never|do not|don't|must not)\b")
# Keys whose strings are patterns the matchers read, not text anyone is shown.
_NOT_SHOWN = {
    "patterns",
    "except",
    "keywords",
    "aliases",
    "ignore_words",
    "languages",
    "groups",
    "text_speak",
}


def image_copying_advice(text: str) -> list[str]:
    """Sentences that tell someone to screenshot, save, copy or forward an image, other than "never" ones."""
    sentences = re.split(r"(?<=[.!?;:])\s+|\n+", text.lower().replace("\u2019", "'"))
    return [s for s in sentences if _COPY.search(s) and _IMAGE.search(s) and not _NEVER.search(s)]


def shown_strings(data, key: str = "") -> list[str]:
    """Every string in a content file that a parent or staff member can read."""
    if key in _NOT_SHOWN:
        return []
    if isinstance(data, dict):
        return [s for k, v in data.items() for s in shown_strings(v, str(k))]
    if isinstance(data, list):
        return [s for item in data for s in shown_strings(item, key)]
    return [data] if isinstance(data, str) else []


def domain_texts() -> list[str]:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return [v["text"] for variants in domain["responses"].values() for v in variants if "text" in v]


def test_the_image_check_catches_advice_to_copy_an_image():
    assert image_copying_advice("Keep evidence. Screenshot the image, with dates.")
    assert image_copying_advice("Save the photos she was sent and forward them to the police.")
    assert not image_copying_advice("Never screenshot, save or forward the image, not even to report it.")
    assert not image_copying_advice("Keep the messages. You can screenshot the messages themselves.")


def test_no_text_advises_copying_a_sexual_image(content):
    texts = domain_texts()
    for name in ("guidance", "danger", "directory", "web"):
        texts += shown_strings(getattr(content, name))
    assert len(texts) > 200
    advice = [sentence for text in texts for sentence in image_copying_advice(text)]
    assert advice == []


@pytest.mark.parametrize("kind", ["sexual_abuse", "sextortion"])
def test_image_kinds_say_never_copy_the_image_and_keep_the_device(content, kind):
    steps = " ".join(content.danger["kinds"][kind]["steps"])
    assert "Never screenshot, save, copy or forward" in steps
    assert "offence, for parents too" in steps
    assert "Keep the device and the conversation" in steps
    assert "usernames, profile links and dates" in steps
    assert "CEOP or the police where it is" in steps


# --- One source for every number and address ---------------------------------

_NUMBER = re.compile(r"(?<![\w£.,/-])\d{3,5}(?: \d{3,4}){0,2}(?![\w/-]|,\d)")
_URL = re.compile(r"https?://[^\s)\]]+")


def _directory_numbers(content) -> set[str]:
    return {
        org[field]
        for org in content.organisations.values()
        for field in ("phone", "textphone", "sms")
        if field in org
    }


def _shown_outside_the_directory(content) -> list[str]:
    texts = domain_texts()
    for name in ("guidance", "danger", "web"):
        texts += shown_strings(getattr(content, name))
    return texts


def test_every_number_and_address_given_outside_the_directory_is_in_it(content):
    texts = _shown_outside_the_directory(content)
    numbers = {n for text in texts for n in _NUMBER.findall(text)}
    urls = {u.rstrip(".,;:") for text in texts for u in _URL.findall(text)}
    assert {"999", "18000", "101", "0808 800 5000"} <= numbers
    assert "https://www.ceop.police.uk/Safety-Centre/" in urls
    assert numbers <= _directory_numbers(content)
    known_urls = {o["url"] for o in content.organisations.values() if "url" in o} | {
        content.web["leave"]["url"]
    }
    assert urls <= known_urls


def test_the_number_check_notices_a_number_that_is_not_in_the_directory(content):
    found = set(_NUMBER.findall("Call the NSPCC on 0808 800 5001, or 999; deaf callers 18001 101."))
    assert found == {"0808 800 5001", "999", "18001 101"}
    assert not found <= _directory_numbers(content)


def test_emergency_and_police_numbers_are_directory_entries_with_sources(content):
    by_number = {org["phone"]: org for org in content.organisations.values() if "phone" in org}
    assert by_number["999"]["id"] == "emergency_999"
    assert by_number["18000"]["id"] == "emergency_textphone"
    assert content.organisation("emergency_sms")["sms"] == "999"
    assert by_number["101"]["id"] == "police_non_emergency"
    assert by_number["18001 101"]["id"] == "police_textphone"
    for org_id in (
        "emergency_999",
        "emergency_textphone",
        "emergency_sms",
        "police_non_emergency",
        "police_textphone",
    ):
        org = content.organisation(org_id)
        assert org["source"] and org["last_checked"] and org["hours"] == "24/7"


def test_a_danger_pattern_without_examples_is_refused(tmp_path):
    directory = _copy_content(tmp_path)
    path = directory / "danger.yml"
    data = _read(path)
    data["kinds"]["missing_child"]["patterns"][0] = "go =missing"
    _write(path, data)
    with pytest.raises(ContentError, match=r"danger.yml at kinds/missing_child/patterns/0"):
        load_content(directory)
    del data["kinds"]["missing_child"]["patterns"][0]
    data["kinds"]["missing_child"]["patterns"].insert(0, {"pattern": "go =missing"})
    _write(path, data)
    with pytest.raises(ContentError, match=r"'match' is a required property"):
        load_content(directory)


def test_a_danger_pattern_error_names_the_file_the_kind_and_the_line(tmp_path, nlp):
    from safeguarding.nlu.matching import DangerMatcher
    from safeguarding.nlu.patterns import PatternError

    directory = _copy_content(tmp_path)
    path = directory / "danger.yml"
    text = path.read_text()
    path.write_text(text.replace('"go =missing"', '"go =missing|{lost}"', 1))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "{lost}" in row)
    with pytest.raises(
        PatternError, match=rf"content/danger.yml, kind missing_child, line {line}: .*unknown group"
    ):
        DangerMatcher(nlp, load_content(directory), source=path)
