"""The sentence encoder: the weights' hash is enforced, and the numbers are the model's."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

import numpy as np
import pytest

from safeguarding.nlu.encoder import (
    DIMENSIONS,
    TOKENIZER,
    WEIGHTS,
    EncoderIntegrityError,
    SentenceEncoder,
    get_encoder,
    model_dir,
    verify,
)


@pytest.fixture(scope="module")
def encoder() -> SentenceEncoder:
    return get_encoder()


@pytest.fixture()
def tampered(tmp_path):
    """A copy of the model files with one byte of the weights flipped."""
    for name in (WEIGHTS, TOKENIZER):
        shutil.copy(model_dir() / name, tmp_path / name)
    with (tmp_path / WEIGHTS).open("r+b") as file:
        file.seek(1_000_000)
        byte = file.read(1)
        file.seek(1_000_000)
        file.write(bytes([byte[0] ^ 0xFF]))
    return tmp_path


def test_the_installed_weights_are_the_official_ones():
    assert verify().name == WEIGHTS


def test_a_tampered_copy_is_refused(tampered):
    with pytest.raises(EncoderIntegrityError, match="not the official all-MiniLM-L6-v2"):
        SentenceEncoder(tampered)


def test_the_install_check_fails_on_a_tampered_copy(tampered):
    check = subprocess.run(
        [sys.executable, "-m", "safeguarding.nlu.encoder", "--verify", "--dir", str(tampered)],
        capture_output=True,
        text=True,
    )
    assert check.returncode != 0
    assert "encoder check failed" in check.stderr


def test_a_missing_weights_file_is_refused(tmp_path):
    with pytest.raises(EncoderIntegrityError, match="missing"):
        SentenceEncoder(tmp_path)


def test_an_untouched_copy_loads(tmp_path, encoder):
    for name in (WEIGHTS, TOKENIZER):
        shutil.copy(model_dir() / name, tmp_path / name)
    text = "is my son safe"
    assert np.array_equal(SentenceEncoder(tmp_path).encode(text), encoder.encode(text))


def test_embeddings_are_unit_float32_vectors(encoder):
    vector = encoder.encode("my son has two phones")
    assert vector.shape == (DIMENSIONS,)
    assert vector.dtype == np.float32
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-5


def test_the_same_text_gives_the_same_embedding(encoder):
    text = "a man keeps messaging my daughter on snapchat"
    assert np.array_equal(encoder.encode(text), encoder.encode(text))


def test_a_batch_gives_what_each_message_alone_gives(encoder):
    texts = [
        "hi",
        "my 13 year old has been sent money by someone online",
        "what are the signs of county lines",
        "HES NOT HOME AND ITS 2AM",
        "she’s been talking to an older lad from a gaming site for months and now he wants to meet her",
        "",
    ]
    batch = encoder.encode_batch(texts, batch_size=4)
    singles = np.stack([encoder.encode(text) for text in texts])
    assert batch.shape == (len(texts), DIMENSIONS)
    assert np.abs(batch - singles).max() < 1e-5


def test_long_messages_are_truncated(encoder):
    long = "my daughter " * 400
    assert len(encoder.token_ids([long])[0]) == encoder.max_tokens
    assert encoder.encode(long).shape == (DIMENSIONS,)


def _cosine(encoder, a, b):
    return float(encoder.encode(a) @ encoder.encode(b))


def test_similarities_match_the_reference_model(encoder):
    pictures = "a man is sending my daughter pictures of his private parts"
    assert 0.40 <= _cosine(encoder, pictures, "an adult keeps asking my 12 year old for nude photos") <= 0.50
    assert 0.08 <= _cosine(encoder, pictures, "my son is really good at football") <= 0.18
    # sentence-transformers' documented example for all-MiniLM-L6-v2: 0.6660, 0.1046, 0.1411.
    sunny = "It's so sunny outside!"
    assert abs(_cosine(encoder, "The weather is lovely today.", sunny) - 0.6660) < 2e-3
    assert abs(_cosine(encoder, "The weather is lovely today.", "He drove to the stadium.") - 0.1046) < 2e-3
    assert abs(_cosine(encoder, sunny, "He drove to the stadium.") - 0.1411) < 2e-3


def test_one_message_takes_well_under_half_a_second(encoder):
    text = "my daughter has been talking to an older man on snapchat and he wants to meet her"
    encoder.encode(text)
    timings = []
    for _ in range(10):
        start = time.perf_counter()
        encoder.encode(text)
        timings.append(time.perf_counter() - start)
    # About 15-50 ms on two shared cores; the bound only catches a broken (e.g. float64 or unbatched) path.
    assert sorted(timings)[len(timings) // 2] < 0.5
