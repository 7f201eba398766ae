"""Browser-session hardening against the real server: CSRF refusal for
cookie-authenticated unsafe requests from other origins, security headers on
every response, and only the UI's own files served."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def cookie(user) -> dict[str, str]:
    return {"Cookie": f"yaguts_session={user.token}"}


def test_cookie_request_from_another_origin_is_refused(server, api, user):
    device = api.device(user, frascos=1)
    own = f"http://{server.host}:{server.port}"
    path = f"/devices/{device.id}/token"
    for evil in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"},
                 {"Sec-Fetch-Site": "same-site"}, {"Origin": own, "Sec-Fetch-Site": "cross-site"}):
        reply = api.post(path, headers={**cookie(user), **evil})
        assert reply.status == 403, (evil, reply.status)
        assert reply.json["error"]["code"] == "forbidden_origin"
    # Nothing was rotated: the device's token still works.
    assert api.next_job(device).status == 204
    for evil in ({"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        assert api.post("/jobs/999/cancel", headers={**cookie(user), **evil}).status == 403
        assert api.post("/auth/logout", headers={**cookie(user), **evil}).status == 403
        assert api.post("/devices", {"name": "x", "frascos": 1}, headers={**cookie(user), **evil}).status == 403
    assert api.get("/me", headers=cookie(user)).status == 200, "the session survived"


def test_cookie_request_from_own_origin_and_bearer_requests_pass(server, api, user):
    device = api.device(user, frascos=1)
    own = f"http://{server.host}:{server.port}"
    path = f"/devices/{device.id}/token"
    assert api.post(path, headers={**cookie(user), "Origin": own, "Sec-Fetch-Site": "same-origin"}).status == 200
    # No browser markers at all: not a page's request (curl holding the cookie).
    assert api.post(path, headers=cookie(user)).status == 200
    # Bearer tokens cannot be attached by another site: never checked.
    assert api.post(path, who=user, headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}).status == 200
    # Safe methods with a cookie from anywhere are reads, not changes.
    assert api.get("/devices", headers={**cookie(user), "Origin": "http://evil.example"}).status == 200


EXPECTED = {
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
}


def assert_security_headers(reply, what):
    for name, value in EXPECTED.items():
        assert reply.header(name) == value, (what, name, reply.headers)
    csp = reply.header("Content-Security-Policy")
    assert csp is not None, what
    directives = {d.strip().split(" ")[0]: d.strip() for d in csp.split(";")}
    assert directives["frame-ancestors"] == "frame-ancestors 'none'", what
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, what
    assert directives["script-src"] == "script-src 'self'", what


def test_security_headers_on_every_response(server, api, user):
    answers = {
        "api 200": api.get("/me", who=user),
        "api 201": api.post("/devices", {"name": "x", "frascos": 1}, who=user),
        "api 401": api.get("/me"),
        "api 404": api.get("/nope"),
        "api 422": api.post("/devices", {"name": "", "frascos": 1}, who=user),
        "api 400": api.request("POST", "/devices", raw=b"{", headers={"Content-Type": "application/json", **user.auth}),
        "ui html": api.get("/"),
        "ui js": api.get("/js/app.js"),
        "ui css": api.get("/css/app.css"),
        "healthz": api.get("/healthz"),
    }
    for what, reply in answers.items():
        assert_security_headers(reply, what)
        if what.startswith("api"):
            assert reply.header("Cache-Control") == "no-store", what
    assert answers["ui js"].header("Cache-Control") != "no-store", "static files keep their own caching"


def test_only_the_uis_files_are_served(server, api):
    assert api.get("/js/package.json").status == 404
    for path in ("/", "/index.html", "/js/app.js", "/css/app.css"):
        assert api.get(path).status == 200, path


def test_ui_has_no_inline_script():
    # The CSP forbids inline script: the pages must not need any.
    for page in (REPO / "Sources/App/Public").glob("*.html"):
        text = page.read_text()
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text, re.IGNORECASE), f"{page}: inline event handler"
        for tag in re.findall(r"<script[^>]*>", text, re.IGNORECASE):
            assert "src=" in tag, f"{page}: inline script {tag}"
