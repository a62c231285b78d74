"""The POST built from a template is the request `build_request` builds, in every observable way."""

import httpx
import pytest

from deepseek_lsp.api import ApiConfig, DeepSeekClient, FimRequest, post
from deepseek_lsp.api.client import CONNECT_TIMEOUT_SECONDS
from deepseek_lsp.api.post import PostTemplates
from deepseek_lsp.testing.fake.server import FakeDeepSeek
from deepseek_lsp.testing.fake.types import FakeReply

URL = "http://127.0.0.1:8765/beta/completions"
BASE_HEADERS = {
    "Authorization": "Bearer sk-1",
    "Accept": "text/event-stream",
    "Content-Type": "application/json",
}


def http_client(**kwargs) -> httpx.AsyncClient:
    """Made as DeepSeekClient makes its client."""
    options = {
        "http2": True,
        "trust_env": True,
        "timeout": httpx.Timeout(30.0, connect=CONNECT_TIMEOUT_SECONDS),
        "follow_redirects": False,
        **kwargs,
    }
    return httpx.AsyncClient(**options)


def assert_same(built: httpx.Request, expected: httpx.Request) -> None:
    assert built.method == expected.method
    assert built.url == expected.url and str(built.url) == str(expected.url)
    assert built.headers.raw == expected.headers.raw
    assert built.headers.encoding == expected.headers.encoding
    assert built.extensions == expected.extensions
    assert built.content == expected.content
    assert type(built.stream) is type(expected.stream)
    assert b"".join(built.stream) == b"".join(expected.stream)


def both(posts, http, url, headers, content):
    built = posts.request(http, url, headers, content)
    return built, http.build_request("POST", httpx.URL(url), content=content, headers=headers)


@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"X-Api-Version": "1", "user-agent": "gateway-client/2", "accept-encoding": "identity"},
        {"Host": "gateway.internal", "Cookie": "route=a"},
        {"Connection": "close", "X-Trace": 't=1; v="q"'},
    ],
)
@pytest.mark.parametrize(
    "url",
    [URL, "https://api.example.test:8443/v1/beta/completions?tenant=a%20b"],
)
async def test_same_request_as_build_request(extra, url):
    posts = PostTemplates()
    async with http_client() as http:
        headers = {**extra, **BASE_HEADERS}
        for content in (b'{"model":"m"}', b'{"prompt":"\xc3\xa9"}' * 500, b"x"):
            assert_same(*both(posts, http, url, headers, content))
        http.timeout = httpx.Timeout(3.0)  # the timeout is read from the client every time
        assert_same(*both(posts, http, url, headers, b"{}"))


async def test_a_new_token_gets_its_own_template():
    posts = PostTemplates()
    async with http_client() as http:
        for token in ("tok1", "tok2", "tok1"):
            headers = {**BASE_HEADERS, "Authorization": f"Bearer {token}"}
            built, expected = both(posts, http, URL, headers, b"{}")
            assert_same(built, expected)
            assert built.headers["authorization"] == f"Bearer {token}"


@pytest.mark.parametrize("framing", [{"Content-Length": "5"}, {"transfer-encoding": "chunked"}])
async def test_framing_headers_fall_back_to_build_request(framing):
    posts = PostTemplates()
    async with http_client() as http:
        headers = {**BASE_HEADERS, **framing}
        assert_same(*both(posts, http, URL, headers, b'{"a":1}'))


async def test_cookies_the_client_picked_up_are_sent_as_build_request_sends_them():
    posts = PostTemplates()
    async with http_client() as http:
        assert_same(*both(posts, http, URL, BASE_HEADERS, b"{}"))  # template made without cookies
        http.cookies.set("AWSALB", "abc", domain="127.0.0.1")
        built, expected = both(posts, http, URL, BASE_HEADERS, b"{}")
        assert_same(built, expected)
        assert built.headers["cookie"] == "AWSALB=abc"


async def test_params_and_default_headers_of_the_client_are_merged():
    posts = PostTemplates()
    async with http_client(params={"api-version": "2"}, headers={"X-Default": "d"}) as http:
        built, expected = both(posts, http, URL, BASE_HEADERS, b"{}")
        assert_same(built, expected)
        assert built.url.params["api-version"] == "2" and built.headers["x-default"] == "d"


async def test_the_fake_sees_the_same_headers_and_body_as_with_build_request(monkeypatch):
    """End to end over HTTP: one stream with the template, one with plain `build_request`."""
    pieces = ("# a/b.py\n", 'def f(x):\n    """Say "hi".\\n"""\n', "    return ")
    req = FimRequest("deepseek-v4-flash", "".join(pieces), "\n", stop=("\n\n",), pieces=pieces)
    config = {"api_key": "sk-test", "headers": {"X-Api-Version": "7", "User-Agent": "ua/1"}}
    seen = []
    with FakeDeepSeek() as fake:
        for template in (True, False):
            if not template:
                monkeypatch.setattr(
                    PostTemplates,
                    "request",
                    lambda self, http, url, headers, content: http.build_request(
                        "POST", url, content=content, headers=headers
                    ),
                )
            fake.script(FakeReply(text="1"), FakeReply(text="2"))
            api = DeepSeekClient(ApiConfig(base_url=fake.base_url, **config))
            for _ in range(2):  # the second request is built from the cached template
                assert (await api.fim(req)).text
            await api.aclose()
            seen += [(r.headers, r.raw_body) for r in fake.requests[-2:]]
    assert seen[0] == seen[1] == seen[2] == seen[3]
    headers, body = seen[0]
    assert headers["x-api-version"] == "7" and headers["user-agent"] == "ua/1"
    assert headers["content-length"] == str(len(body)) and b'\\"hi\\"' in body


async def test_build_request_runs_once_per_template(monkeypatch):
    calls = []
    original = httpx.AsyncClient.build_request

    def counting(self, *args, **kwargs):
        calls.append(kwargs.get("content"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "build_request", counting)
    posts = PostTemplates()
    async with http_client() as http:
        for n in range(5):
            posts.request(http, URL, BASE_HEADERS, b"{}" * (n + 1))
    assert calls == [b"{}"]  # the template's own one-byte-pair body, then never again


async def test_an_httpx_that_builds_the_copy_differently_gets_build_request(monkeypatch):
    """The template checks its own copy against `build_request` once; a difference turns it off."""
    real = post._Template.request

    def drifted(self, http, content):
        made = real(self, http, content)
        made.headers._list.insert(0, (b"X-Drift", b"x-drift", b"1"))  # as a changed httpx might
        return made

    monkeypatch.setattr(post._Template, "request", drifted)
    posts = PostTemplates()
    async with http_client() as http:
        for content in (b"{}", b'{"model":"m"}'):
            assert_same(*both(posts, http, URL, BASE_HEADERS, content))
        assert list(posts._made.values()) == [None]  # known, and built the general way
