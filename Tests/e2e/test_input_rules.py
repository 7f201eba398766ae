"""Input rules that keep stored text and state honest: NUL in passwords,
control and bidi characters in names and ingredients."""

from __future__ import annotations

import pytest

BAD_TEXT = ["Bar\x00", "Bar\x07", "Bar\nBaz", "Bar\t", "Ba\x7fr", "Ba\x85r", "\u202eraB", "Bar\u2066x\u2069",
            "a\u200fb", "a\u2028b"]


def test_password_with_nul_is_422_naming_password(api):
    for path in ("/auth/register", "/auth/login"):
        reply = api.post(path, {"email": "nul@example.test", "password": "long enough\x00password"})
        assert reply.status == 422, (path, reply.status, reply.body)
        assert "password" in reply.json["error"]["fields"], path


@pytest.mark.parametrize("name", BAD_TEXT)
def test_control_and_bidi_characters_in_device_names_are_422(api, user, name):
    reply = api.post("/devices", {"name": name, "frascos": 1}, who=user)
    assert reply.status == 422 and "name" in reply.json["error"]["fields"], (repr(name), reply.status)


@pytest.mark.parametrize("ingredient", BAD_TEXT)
def test_control_and_bidi_characters_in_ingredients_are_422(api, user, ingredient):
    device = api.device(user, frascos=1)
    reply = api.put(f"/devices/{device.id}/frascos/0", {"ingredient": ingredient}, who=user)
    assert reply.status == 422 and "ingredient" in reply.json["error"]["fields"], (repr(ingredient), reply.status)


def test_ordinary_unicode_names_are_fine(api, user):
    reply = api.post("/devices", {"name": "Balcão Açaí 🍹 עברית", "frascos": 1}, who=user)
    assert reply.status == 201
    device_id = reply.json["device"]["id"]
    assert api.put(f"/devices/{device_id}/frascos/0", {"ingredient": "Xarope de maçã"}, who=user).status == 200
