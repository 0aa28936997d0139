"""No credential in any log record (httpx's own DEBUG logging included), exception text, repr or traceback."""

from __future__ import annotations

import base64
import logging
import pickle
import socket
import traceback

import pytest

from explorer import errors
from explorer.client import NO_RETRY, AsyncCloudSigmaClient, CloudSigmaClient, Secret
from explorer.client.auth import build_auth
from explorer.config import load_settings

PASSWORD = "pa55-Sekr1t-xyz"
TOKEN = "tok-Very-S3cret-123"


def forbidden_strings(user: str, secret: str) -> list[str]:
    basic = base64.b64encode(f"{user}:{secret}".encode()).decode()
    return [secret, basic, basic[:16]]


def leaks(texts: list[str], user: str, secret: str) -> list[str]:
    return [s for s in forbidden_strings(user, secret) for t in texts if s in t]


def traceback_text(exc: BaseException) -> str:
    # capture_locals: rich/Textual tracebacks print frame locals, so check them too.
    return "".join(traceback.TracebackException.from_exception(exc, capture_locals=True).format())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def debug_logs(caplog):
    caplog.set_level(logging.DEBUG)
    for name in ("httpx", "httpcore", "explorer"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return caplog


def record_texts(caplog) -> list[str]:
    return [f"{r.getMessage()} {r.args!r} {r.__dict__!r}" for r in caplog.records]


def test_wrong_password_basic_over_loopback(loopback, debug_logs):
    texts = []
    with CloudSigmaClient(loopback.url, username=loopback.username, password=PASSWORD, retry=NO_RETRY) as client:
        texts += [repr(client), str(client), repr(client.__dict__), repr(client._http_options)]
        with pytest.raises(errors.AuthenticationError) as info:
            client.snapshots.list()
        texts += [str(info.value), repr(info.value), traceback_text(info.value)]
    texts += record_texts(debug_logs)
    assert any("HTTP Request" in t for t in texts), "httpx DEBUG/INFO logging was captured"
    assert leaks(texts, loopback.username, PASSWORD) == []


def test_right_password_is_not_logged_either(loopback, debug_logs):
    with CloudSigmaClient(loopback.url, username=loopback.username, password=loopback.password) as client:
        assert client.balance().currency
        texts = [repr(client), repr(vars(client._http))]
    texts += record_texts(debug_logs)
    assert any("send_request_headers" in t for t in texts), "httpcore DEBUG tracing was captured"
    assert leaks(texts, loopback.username, loopback.password) == []


async def test_token_and_transport_errors_with_tracebacks(debug_logs):
    url = f"http://127.0.0.1:{free_port()}/api/2.0/"  # nothing listens: connection refused
    texts = []
    async with AsyncCloudSigmaClient(url, token=TOKEN, retry=NO_RETRY) as client:
        with pytest.raises(errors.TransportError) as info:
            await client.snapshots.get("00000000-0000-4000-8000-000000000000")
        texts += [str(info.value), traceback_text(info.value), repr(client)]
    with CloudSigmaClient(url, username="u@example.com", password=PASSWORD, retry=NO_RETRY) as client:
        with pytest.raises(errors.TransportError) as post_info:
            client.snapshots.create("d")
        texts += [traceback_text(post_info.value)]
    texts += record_texts(debug_logs)
    assert "could not connect" in str(info.value)
    assert TOKEN not in "".join(texts) and leaks(texts, "u@example.com", PASSWORD) == []


def test_secret_wrapper_and_auth_objects_never_show_values():
    secret = Secret(PASSWORD)
    assert PASSWORD not in repr(secret) and PASSWORD not in str(secret) and PASSWORD not in f"{secret}"
    assert secret.reveal() == PASSWORD and Secret(secret) == secret
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    for auth in (build_auth("u", secret, None), build_auth("u", secret, None, digest=True),
                 build_auth(None, None, Secret(TOKEN))):
        assert PASSWORD not in repr(auth) and TOKEN not in repr(auth)


def test_settings_from_environment_hide_both_secrets():
    env = {"CLOUDSIGMA_USERNAME": "u", "CLOUDSIGMA_PASSWORD": PASSWORD, "CLOUDSIGMA_TOKEN": TOKEN,
           "CLOUDSIGMA_REGION": "zrh"}
    s = load_settings(None, environ=env)
    text = repr(s) + str(s) + repr(s.client_kwargs())
    assert PASSWORD not in text and TOKEN not in text


@pytest.mark.parametrize("fault", ["truncate_rate", "drop_rate"])
def test_failed_mid_answer_tracebacks_hold_no_authorization(loopback, fault):
    # A truncated answer's httpx traceback holds the sent headers in its frames' locals;
    # the client must not chain it into the error it raises.
    loopback.set_faults(**{fault: 1.0})
    try:
        with CloudSigmaClient(loopback.url, username=loopback.username, password=loopback.password,
                              retry=NO_RETRY) as client, pytest.raises(errors.TransportError) as info:
            client.balance()
    finally:
        loopback.clear_faults()
    assert leaks([traceback_text(info.value), str(info.value)], loopback.username, loopback.password) == []


def test_token_is_sent_as_bearer_and_digest_never_sends_the_password_first(loopback):
    seen = []
    hook = {"request": [lambda r: seen.append(r.headers.get("authorization"))]}
    with CloudSigmaClient(loopback.url, token=TOKEN, retry=NO_RETRY) as client:
        client._http.event_hooks = hook
        with pytest.raises(errors.AuthenticationError):  # the emulator implements Basic only
            client.balance()
    assert seen == [f"Bearer {TOKEN}"]
    seen.clear()
    with CloudSigmaClient(loopback.url, username=loopback.username, password=PASSWORD, digest=True,
                          retry=NO_RETRY) as client:
        client._http.event_hooks = hook
        with pytest.raises(errors.AuthenticationError):  # no Digest challenge from the emulator
            client.balance()
    assert seen == [None], "Digest waits for the server's challenge; nothing secret is sent unasked"
