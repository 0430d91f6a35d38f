"""The encoder's Rasa components: dense sentence features, and the danger classifier in the pipeline."""

from __future__ import annotations

import asyncio
from pathlib import Path

import numpy as np
import pytest
import yaml
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from safeguarding.nlu.encoder import DIMENSIONS, get_encoder
from safeguarding.nlu.encoder_components import (
    DANGER_MODEL_KEY,
    EMBEDDING_KEY,
    PASSAGES_KEY,
    DangerClassifier,
    LearnedEntityExtractor,
    SentenceEncoderFeaturizer,
)
from safeguarding.nlu.graph import DENIED_SIGNS_KEY
from safeguarding.nlu.passages import passages


@pytest.fixture(scope="module")
def featurizer():
    return SentenceEncoderFeaturizer(SentenceEncoderFeaturizer.get_default_config(), "sentence_encoder")


def test_each_message_gets_the_embedding_as_dense_sentence_features(featurizer):
    message = Message(data={TEXT: "my son has two phones"})
    featurizer.process([message])
    sequence, sentence = message.get_dense_features(TEXT, ["sentence_encoder"])
    assert sequence is None
    assert sentence.features.shape == (1, DIMENSIONS)
    assert np.allclose(sentence.features[0], get_encoder().encode("my son has two phones"), atol=1e-5)
    assert np.array_equal(message.get(EMBEDDING_KEY), sentence.features[0])


def test_training_examples_get_features_but_no_raw_embedding(featurizer):
    examples = [Message(data={TEXT: "hello", "intent": "greet"}), Message(data={"intent": "greet"})]
    featurizer.process_training_data(TrainingData(examples))
    assert examples[0].get_dense_features(TEXT, ["sentence_encoder"])[1].features.shape == (1, DIMENSIONS)
    assert examples[0].get(EMBEDDING_KEY) is None
    assert examples[1].features == []


def test_without_dense_features_the_embedding_is_kept_for_later_components():
    config = {**SentenceEncoderFeaturizer.get_default_config(), "dense_features": False}
    featurizer = SentenceEncoderFeaturizer(config, "sentence_encoder")
    message = Message(data={TEXT: "my son has two phones"})
    featurizer.process([message])
    assert message.features == []
    assert message.get(EMBEDDING_KEY).shape == (DIMENSIONS,)
    example = Message(data={TEXT: "hello", "intent": "greet"})
    featurizer.process_training_data(TrainingData([example]))
    assert example.features == []


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """A classifier trained in a model storage on a small data folder, then loaded from it."""
    base = tmp_path_factory.mktemp("danger")
    data = base / "data"
    data.mkdir()
    danger = [
        "a man keeps asking my daughter for nude photos",
        "my son is being forced to sell drugs by a gang",
        "someone says they will stab my boy",
        "my 13 year old hasnt come home and her phone is off",
        "he has a knife in his bag",
        "she says she wants to kill herself",
    ] * 3
    harmless = [
        "what are the signs of grooming",
        "my son is killing it at football",
        "she lost her charger",
        "he loves shooting games",
        "how do i report to ceop",
        "my daughter has two phones",
    ] * 3
    kinds = ["sexual_abuse", "county_lines", "threats_to_hurt", "missing_child", "weapons", "self_harm"] * 3
    content = {"danger": {}, "harmless": {"mixed": [f"{t} {i}" for i, t in enumerate(harmless)]}}
    for i, (text, kind) in enumerate(zip(danger, kinds, strict=True)):
        content["danger"].setdefault(kind, []).append(f"{text} {i}")
    (data / "train.yml").write_text(yaml.safe_dump(content))
    (base / "storage").mkdir()
    storage = LocalModelStorage(base / "storage")
    resource = Resource("danger_classifier")
    config = {**DangerClassifier.get_default_config(), "data": str(data), "folds": 3}
    DangerClassifier(config, storage, resource, None).train(TrainingData())
    return DangerClassifier.load(config, storage, resource, None), config


def test_the_classifier_adds_its_score_without_touching_the_intent(featurizer, trained):
    classifier, _ = trained
    intent = {"name": "greet", "confidence": 0.9}
    message = Message(data={TEXT: "a grown man asked my girl for naked pictures", "intent": intent})
    classifier.process(featurizer.process([message]))
    found = message.get(DANGER_MODEL_KEY)
    assert set(found) == {"probability", "encoder", "ngrams", "kind"}
    assert 0.0 <= found["probability"] <= 1.0
    assert found["probability"] == pytest.approx((found["encoder"] + found["ngrams"]) / 2, abs=1e-4)
    assert found["kind"] in classifier.model.kinds
    assert message.get("intent") == intent
    assert DANGER_MODEL_KEY in message.as_dict(only_output_properties=True)


def test_a_story_is_as_dangerous_as_its_most_dangerous_passage(featurizer, trained):
    classifier, _ = trained
    story = (
        "We moved house in the spring and the kids settled in well at the new school. "
        "Her brother joined the football club and she took up the violin. "
        "The neighbours are friendly and we have a barbecue most weekends. "
        "Tonight she told me a man keeps asking her for nude photos."
    )
    message = Message(data={TEXT: story})
    classifier.process(featurizer.process([message]))
    assert len(message.get(PASSAGES_KEY)) == 7  # four sentences and three pairs
    rows = np.vstack([message.get(EMBEDDING_KEY), *message.get(PASSAGES_KEY)])
    scores = classifier.model.probability(rows)
    last = get_encoder().encode("Tonight she told me a man keeps asking her for nude photos.")
    assert np.allclose(message.get(PASSAGES_KEY)[3], last, atol=1e-5)
    found = message.get(DANGER_MODEL_KEY)
    assert found["encoder"] == round(float(scores.max()), 4)
    assert found["encoder"] >= round(float(scores[0]), 4)
    words = classifier.model.ngram_probability([story, *passages(story)])
    assert found["ngrams"] == round(float(words.max()), 4)


def test_the_classifier_embeds_a_message_the_featurizer_did_not_see(trained):
    classifier, _ = trained
    message = Message(data={TEXT: "my son has a knife"})
    classifier.process([message])
    assert message.get(DANGER_MODEL_KEY)["kind"]


def test_changed_training_files_change_the_fingerprint(trained):
    _, config = trained
    before = DangerClassifier.fingerprint_addon(config)
    path = next(iter(Path(config["data"]).glob("*.yml")))
    path.write_text(path.read_text() + "\n# changed\n")
    assert DangerClassifier.fingerprint_addon(config) != before


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    """A warning-sign extractor trained in a model storage on small data folders, then loaded from it."""
    base = tmp_path_factory.mktemp("labels")
    data, negatives = base / "signs", base / "negatives"
    data.mkdir()
    negatives.mkdir()
    phones = ["she has a second phone", "found another mobile in his bag", "he has a burner phone"]
    money = ["he has new trainers and cash", "she keeps getting expensive gifts", "money from nowhere"]
    examples = [
        {"text": f"{t} {i}", "labels": [label]}
        for texts, label in ((phones, "more_than_one_phone"), (money, "unexplained_money_or_gifts"))
        for i, t in enumerate(texts * 4)
    ]
    examples += [{"text": "what is grooming", "labels": []}]
    (data / "signs.yml").write_text(yaml.safe_dump({"version": 1, "examples": examples}))
    ordinary = ["the weather is lovely", "we had pasta for tea", "football practice is at six"] * 4
    harmless = {"everyday": [f"{t} {i}" for i, t in enumerate(ordinary)], "sign": ["my son has two phones"]}
    (negatives / "train.yml").write_text(yaml.safe_dump({"harmless": harmless}))
    (base / "storage").mkdir()
    storage = LocalModelStorage(base / "storage")
    resource = Resource("learned_warning_signs")
    config = {
        "entity": "warning_sign",
        "data": str(data),
        "negatives": str(negatives),
        "skip_negatives": ["sign"],
        "threshold": 0.6,
    }
    LearnedEntityExtractor(config, storage, resource, None).train(TrainingData())
    return LearnedEntityExtractor.load(config, storage, resource, None), config


def test_the_learned_extractor_adds_a_sign_the_patterns_missed(featurizer, learned):
    extractor, _ = learned
    assert extractor.model.info["per_label"] == {"more_than_one_phone": 12, "unexplained_money_or_gifts": 12}
    message = Message(data={TEXT: "he has a burner phone"})
    extractor.process(featurizer.process([message]))
    (entity,) = message.get(ENTITIES)
    assert entity["entity"] == "warning_sign" and entity["value"] == "more_than_one_phone"
    assert (entity["start"], entity["end"]) == (0, len("he has a burner phone"))
    assert entity["extractor"] == "LearnedEntityExtractor"
    assert 0.6 <= entity["confidence"] <= 1.0


def test_the_learned_extractor_keeps_what_the_patterns_found_and_adds_no_repeat(featurizer, learned):
    extractor, _ = learned
    found = {"entity": "warning_sign", "value": "more_than_one_phone", "start": 9, "end": 21}
    message = Message(data={TEXT: "she has a second phone", ENTITIES: [found]})
    extractor.process(featurizer.process([message]))
    assert message.get(ENTITIES) == [found]


def test_the_learned_extractor_reads_each_passage_of_a_story(featurizer, learned):
    extractor, _ = learned
    story = "We had pasta for tea. The weather is lovely. She keeps getting expensive gifts."
    message = Message(data={TEXT: story})
    extractor.process(featurizer.process([message]))
    assert [e["value"] for e in message.get(ENTITIES)] == ["unexplained_money_or_gifts"]


def test_the_learned_extractor_names_nothing_in_an_ordinary_message(featurizer, learned):
    extractor, _ = learned
    message = Message(data={TEXT: "the weather is lovely today"})
    extractor.process(featurizer.process([message]))
    assert not message.get(ENTITIES)


def test_a_sign_the_patterns_found_denied_is_not_added_back(featurizer, learned):
    extractor, _ = learned
    message = Message(data={TEXT: "he has a burner phone", DENIED_SIGNS_KEY: ["more_than_one_phone"]})
    extractor.process(featurizer.process([message]))
    assert not message.get(ENTITIES)


def test_only_when_none_leaves_a_message_whose_patterns_found_the_entity(featurizer, learned):
    extractor, config = learned
    strict = LearnedEntityExtractor({**config, "only_when_none": True}, None, None, extractor.model)
    found = {"entity": "warning_sign", "value": "unexplained_money_or_gifts", "start": 0, "end": 2}
    message = Message(data={TEXT: "he has a burner phone", ENTITIES: [found]})
    strict.process(featurizer.process([message]))
    assert message.get(ENTITIES) == [found]


def test_changed_example_files_change_the_learned_fingerprint(learned):
    _, config = learned
    before = LearnedEntityExtractor.fingerprint_addon(config)
    path = next(iter(Path(config["data"]).glob("*.yml")))
    path.write_text(path.read_text() + "\n# changed\n")
    assert LearnedEntityExtractor.fingerprint_addon(config) != before


# --- in the trained model (needs `make train`, like tests/test_model.py) ---------------------------


@pytest.mark.model
def test_the_trained_model_reports_the_danger_classifier(agent):
    result = asyncio.run(
        agent.parse_message("a man on snapchat keeps asking my 12 year old what she is wearing")
    )
    assert result["danger_model"]["probability"] >= 0.7
    assert result["danger"]["encoder"] is True
    assert result["danger_model"]["kind"] == "sexual_abuse"
    harmless = asyncio.run(agent.parse_message("what are the signs of grooming"))
    assert harmless["danger_model"]["probability"] < 0.5
    assert harmless["danger"]["encoder"] is False
    assert harmless["intent"]["name"] != "danger"


@pytest.mark.model
def test_the_danger_classifier_does_not_set_the_intent(agent):
    result = asyncio.run(agent.parse_message("hello there"))
    assert result["intent"]["name"] == "greet"
    assert "probability" in result["danger_model"]
