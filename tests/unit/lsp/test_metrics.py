import httpx

from deepseek_lsp.engine.usage import UsageCounters
from deepseek_lsp.lsp.metrics import MetricsServer, render


def test_render_has_every_counter_in_prometheus_format():
    usage = UsageCounters(requests=3, prompt_cache_hit_tokens=640)
    page = render(usage)
    assert "deepseek_lsp_requests_total 3\n" in page
    assert "deepseek_lsp_prompt_cache_hit_tokens_total 640\n" in page
    assert page.count("# TYPE ") == len(usage.to_json())


async def test_server_serves_metrics_and_404_and_moves_ports():
    usage = UsageCounters(errors=2)
    server = MetricsServer(usage)
    await server.serve(_free_port())
    async with httpx.AsyncClient() as http:
        page = await http.get(f"http://127.0.0.1:{server.port}/metrics")
        assert page.status_code == 200 and "deepseek_lsp_errors_total 2" in page.text
        assert (await http.get(f"http://127.0.0.1:{server.port}/")).status_code == 404
        old = server.port
        await server.serve(_free_port())
        assert server.port != old
        try:
            await http.get(f"http://127.0.0.1:{old}/metrics")
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the old port still answers")
    await server.serve(None)
    assert server.port is None


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
