"""The sandbox's HTTP contract: auth, envelopes, offset tokens, restart on the same port."""

from __future__ import annotations

import socket
import time
import warnings

import httpx
import pytest
from sandbox_http import client, walk


def test_basic_auth_is_required_and_checked(sandbox):
    with httpx.Client(base_url=sandbox.base_url) as anon:
        r = anon.get("/stages")
        assert r.status_code == 401 and set(r.json()) == {"code", "message"}
    with client(sandbox, key="wrong") as c:
        assert c.get("/stages").status_code == 401
    with httpx.Client(base_url=sandbox.base_url, auth=(sandbox.api_key, "a-password")) as c:
        assert c.get("/stages").status_code == 401  # the key is the user name, the password is empty
    with client(sandbox) as c:
        assert c.get("/stages").status_code == 200


def test_urls_and_repr_hide_nothing_but_the_key(sandbox):
    assert sandbox.base_url.endswith("/v1") and sandbox.admin_url.endswith("/_sandbox")
    assert sandbox.base_url.startswith("http://127.0.0.1:")
    assert sandbox.api_key not in repr(sandbox)


def test_lists_use_lever_envelope_and_limit_bounds(sandbox):
    with client(sandbox) as c:
        body = c.get("/opportunities").json()
        assert set(body) >= {"data", "hasNext"} and len(body["data"]) <= 100
        assert len(c.get("/opportunities", params={"limit": 7}).json()["data"]) == 7
        for bad in ("0", "101", "x"):
            r = c.get("/opportunities", params={"limit": bad})
            assert r.status_code == 400 and r.json()["code"]
        single = c.get(f"/opportunities/{body['data'][0]['id']}").json()
        assert single["data"]["id"] == body["data"][0]["id"]


def test_offset_tokens_look_like_levers_and_walk_everything_once(sandbox):
    with client(sandbox) as c:
        first = c.get("/opportunities", params={"limit": 10}).json()
        assert first["hasNext"] and "%5B" in first["next"]
        records = walk(c, "/opportunities", {"limit": 10})
        ids = [o["id"] for o in records]
        assert len(ids) == len(set(ids)) == len(walk(c, "/opportunities"))
        assert ids[:10] == [o["id"] for o in first["data"]]


def test_offset_token_is_bound_to_its_filters(sandbox):
    with client(sandbox) as c:
        token = c.get("/opportunities", params={"limit": 5}).json()["next"]
        r = c.get("/opportunities", params={"limit": 5, "offset": token, "archived": "true"})
        assert r.status_code == 400
        assert r.json()["message"] == "Invalid offset token: Offset token is invalid for sort"
        # Changing the page size is not changing the filter set.
        assert c.get("/opportunities", params={"limit": 9, "offset": token}).status_code == 200


def test_offset_token_must_come_back_verbatim(sandbox):
    from urllib.parse import unquote

    with client(sandbox) as c:
        token = c.get("/opportunities", params={"limit": 5}).json()["next"]
        for bad in (unquote(token), "garbage", "%5Bnope"):
            r = c.get("/opportunities", params={"limit": 5, "offset": bad})
            assert r.status_code == 400 and r.json()["message"].startswith("Invalid offset token: ")


def test_unknown_things_are_lever_404s(sandbox):
    with client(sandbox) as c:
        for path in ("/opportunities/nope", "/feedback_templates/nope", "/nothing-here"):
            r = c.get(path)
            assert r.status_code == 404 and r.json()["code"] == "ResourceNotFound"


def test_same_seed_same_data_other_seed_other_data(sandbox_factory):
    a, b, c_ = sandbox_factory(seed=5), sandbox_factory(seed=5), sandbox_factory(seed=6)
    with client(a) as ca, client(b) as cb, client(c_) as cc:
        ida = [o["id"] for o in ca.get("/opportunities").json()["data"]]
        assert ida == [o["id"] for o in cb.get("/opportunities").json()["data"]]
        assert ida != [o["id"] for o in cc.get("/opportunities").json()["data"]]
        assert ca.get("/users").json() == cb.get("/users").json()


def test_stop_then_start_again_on_the_same_port_with_the_same_state(sandbox):
    port = sandbox.port
    with client(sandbox) as c:
        opp = c.get("/opportunities", params={"limit": 1}).json()["data"][0]
        stage = c.get("/stages").json()["data"][-1]["id"]
        assert c.put(f"/opportunities/{opp['id']}/stage", json={"stage": stage}).status_code == 200
    sandbox.stop()
    with pytest.raises(httpx.ConnectError), client(sandbox) as c:
        c.get("/stages")
    sandbox.start()
    assert sandbox.port == port
    with client(sandbox) as c:
        assert c.get(f"/opportunities/{opp['id']}").json()["data"]["stage"] == stage


def test_stop_is_clean_with_an_idle_keep_alive_connection(sandbox_factory):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = sandbox_factory()
        c = client(s)
        c.get("/stages")
        s.stop()  # the client still holds its connection open
        c.close()
        assert not s.running


def _answer(sock: socket.socket) -> bytes:
    """One whole HTTP answer's head from ``sock``, its body read past (b"" once the server has closed the
    connection). The body may come in a later segment than the head: left unread, it began the next answer."""
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = sock.recv(65536)
        if not chunk:
            return got
        got += chunk
    head, _, body = got.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")), 0
    )
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head


def test_an_idle_connection_stays_open_longer_than_a_clients_pool_keeps_it(sandbox_factory):
    """A client's pool sends on an idle connection until its keep-alive expiry (httpx: 5 s). The sandbox
    closed idle connections at 5 s too: a request sent as the client's 5 s ran out (a submission after its
    5 s Undo grace) could meet the close under load, a ReadError logged as "Lever cannot be reached".
    Servers keep them longer (an AWS load balancer 60 s), and so does the sandbox."""
    s = sandbox_factory()
    ask = f"GET /v1/stages HTTP/1.1\r\nHost: {s.host}\r\n\r\n".encode()
    with socket.create_connection((s.host, s.port), timeout=10) as sock:
        sock.sendall(ask)
        assert _answer(sock).startswith(b"HTTP/1.1 401")
        time.sleep(httpx.Limits().keepalive_expiry + 0.5)  # the idle time itself is what is tested
        sock.sendall(ask)
        assert _answer(sock).startswith(b"HTTP/1.1 401")  # the same connection answers again
