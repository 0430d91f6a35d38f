"""Cost: training time from clean, model size (memory and start-up time are measured by speed.py)."""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path
from typing import Dict

from bench.common import RASA, environment


def train_from_clean(folder: Path, args: list[str] | None = None) -> Dict[str, float]:
    """Train the bot in ``folder`` with ``--force`` into a temporary folder, with an empty Rasa cache."""
    with tempfile.TemporaryDirectory(prefix="safeguarding-train-") as out:
        command = [RASA, "train", "--force", "--fixed-model-name", "bench", "--out", out, *(args or [])]
        env = environment({"RASA_CACHE_DIRECTORY": str(Path(out) / "cache")})
        started = time.monotonic()
        done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
        seconds = time.monotonic() - started
        if done.returncode:
            raise RuntimeError(f"training in {folder} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
        size = (Path(out) / "bench.tar.gz").stat().st_size
    return {"training_s": round(seconds, 1), "model_mb": round(size / 1e6, 2)}
