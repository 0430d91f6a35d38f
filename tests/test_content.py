"""The content files: schema, cross-references, and the source text's every point."""

from __future__ import annotations

import datetime
import re
import shutil
from pathlib import Path

import pytest
import yaml

from safeguarding.content import CONTENT_DIR, ContentError, load_content
from safeguarding.matching import EntityMatcher

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


def test_every_phone_number_in_the_domain_responses_is_in_the_directory(content):
    import re

    import yaml

    domain = yaml.safe_load(
        (Path(__file__).resolve().parent.parent / "domain.yml").read_text(encoding="utf-8")
    )
    texts = [v["text"] for variants in domain["responses"].values() for v in variants if "text" in v]
    numbers = {n for text in texts for n in re.findall(r"\b0\d{2,4}(?: \d{3,4}){1,2}\b", text)}
    known = {o["phone"] for o in content.organisations.values() if o.get("phone")}
    assert numbers, "no phone number found in the domain responses"
    assert numbers <= known


def _copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def test_a_missing_source_is_reported_with_file_and_place(tmp_path):
    directory = _copy_content(tmp_path)
    path = directory / "organisations.yml"
    data = yaml.safe_load(path.read_text())
    del data["organisations"][0]["source"]
    path.write_text(yaml.safe_dump(data))
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


def test_every_online_sign_in_the_source_text_is_recognised(nlp, content):
    matcher = EntityMatcher(nlp, content)
    bullets = _seed_section("Warning signs - online")
    assert len(bullets) == 5
    found = [{e["value"] for e in matcher.extract(b) if e["entity"] == "warning_sign"} for b in bullets]
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


def test_the_offline_signs_of_the_source_text_are_recognised(nlp, content):
    matcher = EntityMatcher(nlp, content)
    values = {e["value"] for e in matcher.extract("staying out all night or dressing differently")}
    assert {"staying_out", "dressing_differently"} <= values


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
def test_each_point_of_the_source_text_is_in_the_guidance(content, point):
    text = re.sub(r"\s+", " ", yaml.safe_dump(content.guidance, width=10_000))
    assert point.lower() in text.lower()


def test_a_danger_pattern_without_examples_is_refused(tmp_path):
    directory = _copy_content(tmp_path)
    path = directory / "danger.yml"
    data = yaml.safe_load(path.read_text())
    data["kinds"]["missing_child"]["patterns"][0] = "go =missing"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"danger.yml at kinds/missing_child/patterns/0"):
        load_content(directory)
    del data["kinds"]["missing_child"]["patterns"][0]
    data["kinds"]["missing_child"]["patterns"].insert(0, {"pattern": "go =missing"})
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ContentError, match=r"'match' is a required property"):
        load_content(directory)


def test_a_danger_pattern_error_names_the_file_the_kind_and_the_line(tmp_path, nlp):
    from safeguarding.matching import DangerMatcher
    from safeguarding.patterns import PatternError

    directory = _copy_content(tmp_path)
    path = directory / "danger.yml"
    text = path.read_text()
    path.write_text(text.replace('"go =missing"', '"go =missing|{lost}"', 1))
    line = next(n for n, row in enumerate(path.read_text().splitlines(), 1) if "{lost}" in row)
    with pytest.raises(
        PatternError, match=rf"content/danger.yml, kind missing_child, line {line}: .*unknown group"
    ):
        DangerMatcher(nlp, load_content(directory), source=path)
