"""The test tiers keep the model and the servers out of the faster tiers (tests/tiers.py)."""

from __future__ import annotations

import pytest

from tests import tiers


def test_a_unit_test_may_neither_load_the_model_nor_start_a_server():
    with pytest.raises(pytest.fail.Exception, match="@pytest.mark.model"):
        tiers.require("model", "The trained model")
    with pytest.raises(pytest.fail.Exception, match="@pytest.mark.system"):
        tiers.require("system", "Starting a server")


@pytest.mark.model
def test_a_model_test_may_load_the_model_but_not_start_a_server():
    tiers.require("model", "The trained model")
    with pytest.raises(pytest.fail.Exception, match="@pytest.mark.system"):
        tiers.require("system", "Starting a server")
