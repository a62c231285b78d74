from deepseek_lsp import settings as s


def test_defaults_match_protocol_table():
    st = s.Settings()
    assert st.base_url == "https://api.deepseek.com"
    assert st.completion.model == "deepseek-flash"
    assert st.completion.debounce_ms == "auto"
    assert st.completion.max_tokens == 128
    assert st.chat.max_tokens == 4096
    assert st.chat.thinking is False
    assert st.privacy.redact_secrets is True
    assert "**/.env" in st.privacy.exclude
    assert st.cache.max_entries == 512
    assert st.http.timeout_seconds == 30
    assert st.log_prompts is False
    assert st.oauth2 is None


def test_environment_then_layers_later_wins():
    st, problems = s.load(
        {"DEEPSEEK_API_KEY": "sk-env", "DEEPSEEK_BASE_URL": "http://127.0.0.1:9/v1"},
        {"apiKey": "sk-init", "completion": {"model": "m1"}},
        {"completion.model": "m2"},
    )
    assert problems == []
    assert st.api_key == "sk-init"
    assert st.base_url == "http://127.0.0.1:9/v1"
    assert st.completion.model == "m2"


def test_absent_null_empty_never_override():
    st, problems = s.load(
        {"DEEPSEEK_API_KEY": "sk-env"}, {"apiKey": ""}, {"apiKey": None}, {}, None, {"http": {}}
    )
    assert st.api_key == "sk-env"
    assert problems == []


def test_bad_value_names_key_and_keeps_previous():
    st, problems = s.load(
        {}, {"completion": {"maxTokens": 64}}, {"completion": {"maxTokens": "lots"}}
    )
    assert st.completion.max_tokens == 64
    assert len(problems) == 1
    assert "completion.maxTokens" in problems[0]
    assert "'lots'" in problems[0]


def test_bool_is_not_a_number_and_range_checked():
    st, problems = s.load({}, {"completion": {"maxTokens": True, "temperature": 5}})
    assert st.completion.max_tokens == 128
    assert st.completion.temperature == 0.0
    assert len(problems) == 2


def test_debounce_accepts_auto_or_ms():
    st, _ = s.load({}, {"completion": {"debounceMs": 75}})
    assert st.completion.debounce_ms == 75
    st, problems = s.load({}, {"completion": {"debounceMs": "soon"}})
    assert st.completion.debounce_ms == "auto"
    assert "debounceMs" in problems[0]


def test_base_url_must_be_http():
    st, problems = s.load({}, {"baseUrl": "api.deepseek.com"})
    assert st.base_url == s.DEFAULT_BASE_URL
    assert "baseUrl" in problems[0]


def test_oauth2_headers_and_lists():
    st, problems = s.load(
        {},
        {
            "auth": {
                "oauth2": {"tokenUrl": "http://127.0.0.1/t", "clientId": "c", "clientSecret": "x"}
            },
            "http": {"headers": {"X-Api-Version": "2"}},
            "chat": {"fallbackModels": ["deepseek-v4-pro", "deepseek-chat"]},
        },
    )
    assert problems == []
    assert st.oauth2 == s.OAuth2Settings("http://127.0.0.1/t", "c", "x")
    assert dict(st.http.headers) == {"X-Api-Version": "2"}
    assert st.chat.fallback_models == ("deepseek-v4-pro", "deepseek-chat")


def test_incomplete_oauth2_is_rejected():
    st, problems = s.load({}, {"auth": {"oauth2": {"tokenUrl": "http://127.0.0.1/t"}}})
    assert st.oauth2 is None
    assert "auth.oauth2" in problems[0]


def test_settings_are_immutable():
    st = s.Settings()
    try:
        st.completion.model = "x"  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("settings must be frozen")


def test_deepseek_section_both_shapes():
    assert s.deepseek_section({"deepseek": {"chat": {"model": "p"}}}) == {"chat": {"model": "p"}}
    assert s.deepseek_section({"chat": {"model": "p"}}) == {"chat": {"model": "p"}}
    assert s.deepseek_section(None) is None


def test_header_names_and_values_that_httpx_would_refuse_are_rejected():
    for headers in ({"X-A\nB": "1"}, {"X A": "1"}, {"X-A": "1\r\nEvil: 2"}, {"X-A": "\x00"}):
        result, problems = s.Settings().merged({"http": {"headers": headers}})
        assert result.http.headers == {} and len(problems) == 1
        assert problems[0].startswith("Setting deepseek.http.headers:")
    result, problems = s.Settings().merged({"http.headers": {"X-Api-Version": "1 2\t3"}})
    assert problems == [] and result.http.headers == {"X-Api-Version": "1 2\t3"}


def test_a_section_of_the_wrong_type_gets_one_message():
    for section in ("completion", "chat", "http", "privacy", "cache"):
        result, problems = s.Settings().merged({section: "x"})
        assert result == s.Settings()
        assert problems == [
            f"Setting deepseek.{section}: expected an object of settings, got 'x';"
            " keeping the previous values."
        ]


def test_total_timeout_setting():
    assert s.Settings().http.total_timeout_seconds == 120.0
    result, problems = s.Settings().merged({"http": {"totalTimeoutSeconds": 5}})
    assert problems == [] and result.http.total_timeout_seconds == 5.0


def test_redis_url_schemes_and_timeout():
    for url in ("redis://:pw@127.0.0.1:6379/2", "rediss://cache.example:6380/0", "unix:///r.sock"):
        st, problems = s.Settings().merged({"cache": {"redisUrl": url}})
        assert problems == [] and st.cache.redis_url == url
    assert s.Settings().cache.redis_timeout_ms == 25
    st, problems = s.Settings().merged({"cache.redisTimeoutMs": 40})
    assert st.cache.redis_timeout_ms == 40 and problems == []
    st, problems = s.Settings().merged(
        {"cache": {"redisUrl": "http://:hunter2@host/0", "redisTimeoutMs": 0}}
    )
    assert st.cache.redis_url is None and st.cache.redis_timeout_ms == 25
    assert len(problems) == 2 and "cache.redisUrl" in problems[0]
    assert "hunter2" not in problems[0] and "http://" in problems[0]
