import pytest

from deepseek_lsp.api import Endpoints

ROOT = "https://api.deepseek.com"


@pytest.mark.parametrize(
    "base_url",
    [ROOT, f"{ROOT}/", f"{ROOT}/beta", f"{ROOT}/beta/", f"  {ROOT}/BETA  "],
)
def test_plain_and_beta_base_urls_share_one_layout(base_url):
    endpoints = Endpoints.from_base_url(base_url)
    assert endpoints.root == ROOT
    assert endpoints.fim == f"{ROOT}/beta/completions"
    assert endpoints.chat == f"{ROOT}/chat/completions"
    assert endpoints.models == f"{ROOT}/models"
    assert endpoints.balance == f"{ROOT}/user/balance"


@pytest.mark.parametrize("base_url", [f"{ROOT}/v1", f"{ROOT}/v1/"])
def test_v1_is_kept_for_chat_but_never_before_beta(base_url):
    endpoints = Endpoints.from_base_url(base_url)
    assert endpoints.fim == f"{ROOT}/beta/completions"
    assert endpoints.chat == f"{ROOT}/v1/chat/completions"
    assert endpoints.models == f"{ROOT}/v1/models"
    assert endpoints.balance == f"{ROOT}/v1/user/balance"


def test_gateway_path_prefix_is_preserved():
    endpoints = Endpoints.from_base_url("http://127.0.0.1:8080/llm/deepseek/beta")
    assert endpoints.fim == "http://127.0.0.1:8080/llm/deepseek/beta/completions"
    assert endpoints.chat == "http://127.0.0.1:8080/llm/deepseek/chat/completions"


def test_no_doubled_segments_anywhere():
    for base in (ROOT, f"{ROOT}/v1", f"{ROOT}/beta"):
        endpoints = Endpoints.from_base_url(base)
        for url in (endpoints.fim, endpoints.chat, endpoints.models, endpoints.balance):
            assert "/beta/beta" not in url
            assert "/v1/beta" not in url
            assert "/v1/v1" not in url
