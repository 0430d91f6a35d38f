"""The label model behind the learned warning signs and service requests: training, saving, bad files."""

from __future__ import annotations

import numpy as np
import pytest

from safeguarding.nlu.encoder import get_encoder
from safeguarding.nlu.label_model import LabelModel, cross_validate, load_labelled, load_negatives

TEXTS = [
    "she has a second phone",
    "found another mobile in his bag",
    "he has a burner phone",
    "he has new trainers and cash",
    "she keeps getting expensive gifts",
    "loads of money from nowhere",
    "the weather is lovely",
    "we had pasta for tea",
    "football practice is at six",
] * 3
LABELS = [["more_than_one_phone"]] * 3 + [["unexplained_money_or_gifts"]] * 3 + [[]] * 3
LABELS = LABELS * 3


@pytest.fixture(scope="module")
def trained():
    embeddings = get_encoder().encode_batch(TEXTS)
    return LabelModel.train(TEXTS, LABELS, embeddings), embeddings


def test_each_label_is_scored_apart(trained):
    model, _ = trained
    assert model.labels == ["more_than_one_phone", "unexplained_money_or_gifts"]
    texts = ["my son has got a burner phone", "we had pasta for tea"]
    probabilities = model.probabilities(get_encoder().encode_batch(texts), texts)
    assert probabilities.shape == (2, 2)
    assert probabilities[0, 0] > 0.5 > probabilities[0, 1]
    assert probabilities[1].max() < 0.5


def test_a_saved_model_loads_with_the_same_probabilities(tmp_path, trained):
    model, embeddings = trained
    model.save(tmp_path)
    loaded = LabelModel.load(tmp_path)
    assert loaded.labels == model.labels
    assert np.allclose(loaded.probabilities(embeddings, TEXTS), model.probabilities(embeddings, TEXTS))
    assert not list(tmp_path.glob("*.pkl"))


def test_cross_validation_scores_every_message_out_of_fold(trained):
    _, embeddings = trained
    out = cross_validate(TEXTS, LABELS, embeddings, folds=3)
    assert out.shape == (len(TEXTS), 2)
    assert ((out >= 0) & (out <= 1)).all()


def test_training_without_any_label_is_refused():
    with pytest.raises(ValueError, match="labelled"):
        LabelModel.train(["a", "b"], [[], []], np.zeros((2, 384)))


def test_a_file_with_a_bad_example_is_refused_with_its_name(tmp_path):
    (tmp_path / "signs.yml").write_text("examples:\n  - text: fine\n    labels: [a]\n  - labels: [b]\n")
    with pytest.raises(ValueError, match=r"signs.yml: example 2"):
        load_labelled(tmp_path)
    (tmp_path / "signs.yml").write_text("examples:\n  - text: fine\n    labels: a\n")
    with pytest.raises(ValueError, match="list of names"):
        load_labelled(tmp_path)


def test_negatives_skip_the_categories_asked_for(tmp_path):
    text = "danger: {weapons: [knife]}\nharmless: {sign: [two phones], idiom: [killing it]}\n"
    (tmp_path / "d.yml").write_text(text)
    assert [e.text for e in load_negatives(tmp_path, ["sign"])] == ["killing it"]
    assert all(e.labels == [] for e in load_negatives(tmp_path))
