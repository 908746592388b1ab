from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reference_app.errors import ApiError
from reference_app.tokens import TokenIssuer

NOW = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def issuer() -> TokenIssuer:
    return TokenIssuer("k" * 48, access_ttl_seconds=1800)


def test_verified_token_is_still_rejected_once_it_expires() -> None:
    tokens = issuer()
    token = tokens.issue_access(user="alice@example.com", sid="s1", now=NOW).token
    claims = tokens.verify_access(token, NOW + timedelta(minutes=29))  # signature checked, cached
    assert claims.user == "alice@example.com" and claims.sid == "s1"
    with pytest.raises(ApiError) as expired:
        tokens.verify_access(token, NOW + timedelta(minutes=30))
    assert expired.value.code == "token_expired"


def test_signature_check_is_done_once_per_token() -> None:
    tokens = issuer()
    token = tokens.issue_access(user="alice@example.com", sid="s1", now=NOW).token
    for minute in range(5):
        tokens.verify_access(token, NOW + timedelta(minutes=minute))
    info = tokens._verified.cache_info()
    assert (info.misses, info.hits) == (1, 4)


def test_a_token_of_another_key_is_rejected_even_after_ours_was_cached() -> None:
    ours, theirs = issuer(), TokenIssuer("x" * 48, access_ttl_seconds=1800)
    ours.verify_access(ours.issue_access(user="a", sid="s", now=NOW).token, NOW)
    forged = theirs.issue_access(user="a", sid="s", now=NOW).token
    with pytest.raises(ApiError) as rejected:
        ours.verify_access(forged, NOW)
    assert rejected.value.code == "token_invalid"
