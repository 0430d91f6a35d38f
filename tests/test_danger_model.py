"""The danger classifier's head: training, threshold by cross-validation, saving and loading."""

from __future__ import annotations

import numpy as np
import pytest

from safeguarding.nlu.danger_model import DangerModel, DangerScore, NgramHead, choose_threshold, load_training
from safeguarding.nlu.encoder import get_encoder


def _sample(size: int):
    """``size`` training messages drawn at random (the same each run), and their embeddings."""
    examples = load_training()
    rng = np.random.default_rng(0)
    chosen = [examples[i] for i in sorted(rng.choice(len(examples), size, replace=False))]
    return chosen, get_encoder().encode_batch([e.text for e in chosen])


def _train(sample):
    examples, embeddings = sample
    return DangerModel.train(
        [e.text for e in examples],
        [e.danger for e in examples],
        [e.kind for e in examples],
        embeddings=embeddings,
        folds=3,
    )


@pytest.fixture(scope="module")
def trained():
    """A sample of the training messages by size, and a head trained on it; each made once.

    The unit tests train on a hundred messages, enough to check how a head is
    trained and stored; the model tier's figures come from four hundred.
    """
    made = {}

    def of_size(size: int):
        if size not in made:
            sample = _sample(size)
            made[size] = sample, _train(sample)
        return made[size]

    return of_size


def test_the_threshold_keeps_the_target_recall():
    probabilities = np.array([0.9, 0.8, 0.7, 0.1, 0.6, 0.2])
    labels = np.array([True, True, True, False, True, False])
    assert choose_threshold(probabilities, labels, 1.0) == 0.6
    assert choose_threshold(probabilities, labels, 0.75) == 0.7


@pytest.mark.model  # trains a danger head: with the other training tests, not the unit tier
def test_cross_validation_figures_are_recorded(trained):
    _, model = trained(400)
    figures = model.info["cross_validation"]
    assert figures["danger_recall"] >= 0.98
    assert 0.0 < figures["threshold"] < 1.0
    assert figures["folds"] == 3


def test_training_repeats_exactly(trained):
    sample, model = trained(100)
    again = _train(sample)
    assert again.threshold == model.threshold
    assert np.array_equal(again.probability(sample[1]), model.probability(sample[1]))


@pytest.mark.model
def test_clear_messages_are_told_apart(trained):
    _, model = trained(400)
    encoder = get_encoder()
    danger = model.score(encoder.encode("a grown man keeps asking my 12 year old daughter for naked photos"))
    harmless = model.score(encoder.encode("my son scored two goals at football today"))
    assert isinstance(danger, DangerScore)
    assert danger.is_danger and danger.kind == "sexual_abuse"
    assert harmless.probability < 0.5
    assert danger.probability > harmless.probability


def test_a_saved_model_loads_with_the_same_scores(tmp_path, trained):
    (_, embeddings), model = trained(100)
    model.save(tmp_path)
    loaded = DangerModel.load(tmp_path)
    assert loaded.threshold == model.threshold
    assert loaded.kinds == model.kinds
    assert np.allclose(loaded.probability(embeddings), model.probability(embeddings), atol=1e-6)
    assert loaded.score(embeddings[0]).kind == model.score(embeddings[0]).kind
    texts = ["hes got a knife to my sons throat", "we are grooming the dog on saturday"]
    assert np.allclose(loaded.ngram_probability(texts), model.ngram_probability(texts))


def test_the_ngram_head_reads_misspelt_words_by_their_letters(tmp_path):
    danger = ["he has a knife", "a man is stabbing him", "she has been kidnapped", "he is being attacked"]
    harmless = ["he has a cold", "a man is selling cakes", "she has been promoted", "he is being silly"]
    head = NgramHead.train(danger + harmless, [True] * 4 + [False] * 4)
    slip, ordinary = head.probability(["hes got a knif", "hes got a cold"])
    assert slip > 0.5 > ordinary
    head.save(tmp_path / "ngrams.npz")
    loaded = NgramHead.load(tmp_path / "ngrams.npz")
    assert np.allclose(loaded.probability(["knif"]), head.probability(["knif"]))


def test_one_label_only_is_refused(trained):
    (_, embeddings), _ = trained(100)
    with pytest.raises(ValueError, match="both"):
        DangerModel.train(["a", "b"], [True, True], embeddings=embeddings[:2])
