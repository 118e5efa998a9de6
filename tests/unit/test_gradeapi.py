"""The grading endpoint's allowance per client, and whose address counts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from widgets.server.gradeapi import Proxies, RateLimit, client_address


def test_a_client_gets_a_burst_then_the_refill_rate():
    limit = RateLimit(rate=2, burst=5)
    assert [limit.allow("a", now=0.0) for _ in range(7)] == [True] * 5 + [False] * 2
    assert limit.allow("b", now=0.0)  # another client has its own allowance
    assert not limit.allow("a", now=0.2)
    assert limit.allow("a", now=0.6)  # about one token back after half a second
    assert [limit.allow("a", now=100.0) for _ in range(6)] == [True] * 5 + [False]  # never more than the burst


def test_no_limit_when_the_rate_is_zero():
    limit = RateLimit(rate=0, burst=0)
    assert all(limit.allow("a", now=0.0) for _ in range(1000))


def test_a_flood_from_many_addresses_stays_bounded():
    limit = RateLimit(rate=1, burst=1, max_clients=100)
    for i in range(1000):
        limit.allow(f"10.0.{i // 256}.{i % 256}", now=0.0)
    assert len(limit._buckets) == 100


def handler(peer: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded is not None else {}
    return SimpleNamespace(request=SimpleNamespace(remote_ip=peer, headers=headers))


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    trusted = Proxies("127.0.0.1")
    assert client_address(handler("198.51.100.9", "1.2.3.4"), trusted) == "198.51.100.9"
    assert client_address(handler("127.0.0.1", "203.0.113.5"), trusted) == "203.0.113.5"
    # A client cannot hide behind a header it wrote itself: the proxy appends the real address.
    assert client_address(handler("127.0.0.1", "6.6.6.6, 203.0.113.5"), trusted) == "203.0.113.5"
    assert client_address(handler("127.0.0.1"), trusted) == "127.0.0.1"
    assert client_address(handler("127.0.0.1", "127.0.0.1"), trusted) == "127.0.0.1"
    assert client_address(handler("127.0.0.1", "203.0.113.5"), Proxies("")) == "127.0.0.1"


def test_proxies_can_be_ranges_and_a_bad_entry_is_named():
    pods = Proxies("10.0.0.0/8, 192.168.1.5")
    assert "10.42.7.9" in pods and "192.168.1.5" in pods and "192.168.1.6" not in pods
    assert "not-an-address" not in pods
    assert client_address(handler("10.1.2.3", "203.0.113.5"), pods) == "203.0.113.5"
    with pytest.raises(ValueError, match="10.0.0.300"):
        Proxies("10.0.0.300")
