"""Password guessing and log-in floods: per-account throttling with growing
delays, the client address behind a trusted reverse proxy, and the bounded
password-hashing queue (503 + Retry-After when full)."""

from __future__ import annotations

import threading
import time

from yaguts_client import Api


def login(api, email, password, **kw):
    return api.post("/auth/login", {"email": email, "password": password}, **kw)


def test_wrong_passwords_for_one_account_get_growing_delays(api):
    user = api.register(password="the right password")
    for attempt in range(5):
        assert login(api, user.email, "wrong password").status == 401, attempt
    # In the delay even the right password is refused, without being checked.
    blocked = login(api, user.email, "the right password")
    assert blocked.status == 429 and blocked.json["error"]["code"] == "rate_limited"
    assert blocked.header("Retry-After") == "1"
    # The delay doubles with each further failure.
    time.sleep(int(blocked.header("Retry-After")))  # what the server asked for
    assert login(api, user.email.upper(), "wrong password").status == 401, "emails match case-insensitively"
    blocked = login(api, user.email, "the right password")
    assert blocked.status == 429 and blocked.header("Retry-After") == "2"
    # Another account is not affected.
    other = api.register(password="another right password")
    assert login(api, other.email, "another right password").status == 200
    time.sleep(int(blocked.header("Retry-After")))
    assert login(api, user.email, "the right password").status == 200
    # A success clears the record: the next failure is a plain 401 again.
    assert login(api, user.email, "wrong password").status == 401
    assert login(api, user.email, "the right password").status == 200


def exhaust_address_bucket(api, headers):
    """Spends the per-address burst on unknown emails; returns the first refusal."""
    for n in range(40):
        reply = login(api, f"nobody{n}-{time.monotonic_ns()}@example.test", "wrong password", headers=headers)
        if reply.status == 429:
            return reply
        assert reply.status == 401
    raise AssertionError("the per-address limit never applied")


def test_trusted_proxy_forwarded_for_names_the_client(server_factory):
    proxied = server_factory("--trusted-proxy", "127.0.0.1")
    api = proxied.api
    # The client claims an address before the proxy's entry: only the proxy's counts.
    assert exhaust_address_bucket(api, {"X-Forwarded-For": "198.51.100.1, 203.0.113.7"}).header("Retry-After")
    # Right after the refusal (a 429 costs no hashing, so the bucket has not refilled):
    # the same client is still refused, whatever it claims first...
    same = login(api, "someone@example.test", "wrong password", headers={"X-Forwarded-For": "203.0.113.7"})
    assert same.status == 429
    # ...and another client behind the same proxy has its own bucket.
    assert login(api, "someone@example.test", "wrong password", headers={"X-Forwarded-For": "203.0.113.8"}).status == 401


def test_forwarded_for_is_ignored_from_untrusted_peers(server_factory):
    plain = server_factory()
    api = plain.api
    exhaust_address_bucket(api, {"X-Forwarded-For": "203.0.113.7"})
    assert login(api, "someone@example.test", "wrong password", headers={"X-Forwarded-For": "203.0.113.8"}).status == 429


def test_password_hash_queue_is_bounded(server_factory):
    server = server_factory()
    results: list = []
    barrier = threading.Barrier(40)

    def register(n):
        api = Api(server.host, server.port)
        barrier.wait()
        # A distinct loopback source address each: the per-address limit is not what refuses.
        results.append((n, api.post("/auth/register", {"email": f"flood{n}@example.test", "password": "long enough password"},
                                 source=f"127.0.{n // 200}.{n % 200 + 2}")))

    threads = [threading.Thread(target=register, args=(n,)) for n in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(r.status for _, r in results)
    assert len(results) == 40 and set(statuses) <= {201, 503}, statuses
    busy = [(n, r) for n, r in results if r.status == 503]
    assert busy, "40 simultaneous registrations never filled the hashing queue"
    assert all(r.header("Retry-After") == "1" and r.json["error"]["code"] == "busy" for _, r in busy)
    assert statuses.count(201) >= 2
    # Nothing half-made: a refused registration made no account; and the server recovers at once.
    api = server.api
    n, _ = busy[0]
    assert login(api, f"flood{n}@example.test", "long enough password").status == 401
    assert api.post("/auth/register", {"email": "after@example.test", "password": "long enough password"}).status == 201
