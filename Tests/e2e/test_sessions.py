"""Session lifetimes (idle and absolute), log out everywhere, password
change, and the cookie's attributes. The lifetime tests must let real time
pass: the server counts whole seconds, so they sleep a few seconds."""

from __future__ import annotations

import time

from yaguts_client import User


def login(api, email, password):
    return api.post("/auth/login", {"email": email, "password": password})


def me(api, token):
    return api.get("/me", headers={"Authorization": f"Bearer {token}"}).status


def test_idle_sessions_end(server_factory):
    server = server_factory("--session-idle-timeout", "3", "--session-max-age", "1000")
    api = server.api
    user = api.register()
    time.sleep(1.5)
    assert me(api, user.token) == 200
    time.sleep(1.5)
    assert me(api, user.token) == 200, "use keeps a session alive past the idle timeout since log-in"
    time.sleep(3.5)
    assert me(api, user.token) == 401
    user.token = login(api, user.email, "correct horse battery").json["token"]


def test_sessions_end_at_their_maximum_age_even_in_use(server_factory):
    server = server_factory("--session-idle-timeout", "1000", "--session-max-age", "3")
    api = server.api
    user = api.register()
    reply = api.post("/auth/login", {"email": user.email, "password": "correct horse battery"})
    assert "Max-Age=3" in reply.header("Set-Cookie") and "Secure" not in reply.header("Set-Cookie")
    time.sleep(1.5)
    assert me(api, user.token) == 200
    time.sleep(2)
    assert me(api, user.token) == 401
    user.token = login(api, user.email, "correct horse battery").json["token"]


def test_cookie_secure(server_factory):
    api = server_factory("--cookie-secure").api
    reply = api.post("/auth/register", {"email": "secure@example.test", "password": "long enough password"})
    assert reply.status == 201
    cookie = reply.header("Set-Cookie")
    assert cookie.endswith("; Secure") and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Secure" in api.post("/auth/logout", headers={"Authorization": f"Bearer {reply.json['token']}"}).header("Set-Cookie")


def test_logout_everywhere(api):
    user = api.register()
    second = login(api, user.email, "correct horse battery").json["token"]
    other = api.register()
    reply = api.post("/auth/logout-all", who=user)
    assert reply.status == 204 and "Max-Age=0" in reply.header("Set-Cookie")
    assert me(api, user.token) == 401 and me(api, second) == 401
    assert me(api, other.token) == 200, "other accounts keep their sessions"
    assert api.post("/auth/logout-all").status == 401
    user.token = login(api, user.email, "correct horse battery").json["token"]


def test_password_change(api):
    user = api.register(password="the old password")
    second = login(api, user.email, "the old password").json["token"]
    path = "/auth/password"
    wrong = api.post(path, {"current_password": "not it at all", "new_password": "a brand new password"}, who=user)
    assert wrong.status == 422 and "current_password" in wrong.json["error"]["fields"]
    short = api.post(path, {"current_password": "the old password", "new_password": "short"}, who=user)
    assert short.status == 422 and "new_password" in short.json["error"]["fields"]
    nul = api.post(path, {"current_password": "the old password", "new_password": "a new\x00password"}, who=user)
    assert nul.status == 422 and "new_password" in nul.json["error"]["fields"]
    assert api.post(path, {"current_password": "the old password"}, who=user).status == 422
    ok = api.post(path, {"current_password": "the old password", "new_password": "a brand new password"}, who=user)
    assert ok.status == 200 and ok.json["user"]["id"] == user.id
    assert ok.header("Set-Cookie").startswith(f"yaguts_session={ok.json['token']};")
    # Every earlier session ended; the new one works; only the new password logs in.
    assert me(api, user.token) == 401 and me(api, second) == 401
    assert me(api, ok.json["token"]) == 200
    assert login(api, user.email, "the old password").status == 401
    assert login(api, user.email, "a brand new password").status == 200
    user.token = ok.json["token"]


def test_password_change_guesses_are_throttled(api):
    user = api.register(password="the old password")
    for _ in range(5):
        reply = api.post("/auth/password", {"current_password": "guess guess guess", "new_password": "whatever new pw"}, who=user)
        assert reply.status == 422
    reply = api.post("/auth/password", {"current_password": "the old password", "new_password": "whatever new pw"}, who=user)
    assert reply.status == 429 and reply.header("Retry-After")
