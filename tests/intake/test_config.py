"""Settings a deployment gives: the key of ID-card hashes, upload limits, where rate counts live."""

from __future__ import annotations

import pytest

from config import DEVELOPMENT_ID_HASH_KEY, ConfigError, Settings

PRODUCTION = {"APP_ENV": "production", "AUTH_SECRET": "s" * 32}


def test_development_hashes_with_the_public_development_key() -> None:
    assert str(Settings.from_env({}).id_hash_key) == DEVELOPMENT_ID_HASH_KEY


def test_production_needs_its_own_key_of_32_characters_or_more() -> None:
    with pytest.raises(ConfigError, match="ID_HASH_KEY"):
        Settings.from_env(PRODUCTION)
    with pytest.raises(ConfigError, match="at least 32"):
        Settings.from_env({**PRODUCTION, "ID_HASH_KEY": "short"})
    settings = Settings.from_env({**PRODUCTION, "ID_HASH_KEY": "k" * 32})
    assert str(settings.id_hash_key) == "k" * 32
    assert "k" * 32 not in repr(settings)  # a Secret: never printed


def test_the_upload_limit_is_a_setting() -> None:
    assert Settings.from_env({"IMPORT_MAX_BYTES": "2048"}).import_max_bytes == 2048
    with pytest.raises(ConfigError, match="IMPORT_MAX_BYTES"):
        Settings.from_env({"IMPORT_MAX_BYTES": "10"})


def test_where_rate_counts_are_kept_is_a_setting_that_never_prints_its_password() -> None:
    """RATE_LIMIT_STORAGE: a Redis beside Neo4j, so several API processes share one allowance."""
    assert Settings.from_env({}).limits.rate_storage is None  # the graph's Redis, or memory
    uri = "redis://:s3cret@10.0.0.5:6379/2"
    settings = Settings.from_env({"RATE_LIMIT_STORAGE": uri})
    assert str(settings.limits.rate_storage) == "async+redis://:s3cret@10.0.0.5:6379/2"
    assert "s3cret" not in repr(settings)
    for wrong in ("mongodb://x", "redis", "s3cret@10.0.0.5"):
        with pytest.raises(ConfigError, match="RATE_LIMIT_STORAGE") as refused:
            Settings.from_env({"RATE_LIMIT_STORAGE": wrong})
        assert "s3cret" not in str(refused.value)
