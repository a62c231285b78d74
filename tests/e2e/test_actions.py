"""Code actions, their commands and the @deepseek directive, end to end."""

from __future__ import annotations

import pytest
from lsprotocol import types

from deepseek_lsp.testing.fake.types import FakeReply

from .conftest import apply_text_edits, as_dict, edits_for, lsp_session, open_doc, raw_request

SOURCE = """import math


def area(r):
    return math.pi * r * r


def perimeter(r):
    return 2 * math.pi * r
"""


def chat_requests(fake):
    return [r for r in fake.requests if r.path.endswith("/chat/completions")]


def code_action_params(uri, start, end, diagnostics=(), only=None):
    return types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(*start), types.Position(*end)),
        context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
    )


def titles(actions):
    return [a.title for a in actions]


async def test_listing_actions_never_calls_the_api(fake, tmp_path):
    uri = (tmp_path / "geo.py").as_uri()
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, SOURCE)
        for line in range(9):
            actions = await client.text_document_code_action_async(
                code_action_params(uri, (line, 0), (line, 4))
            )
            assert all(t.startswith("DeepSeek: ") for t in titles(actions))
        actions = await client.text_document_code_action_async(
            code_action_params(uri, (3, 0), (4, 10))
        )
        assert "DeepSeek: explain this code" in titles(actions)
        assert "DeepSeek: add a docstring" in titles(actions)
        assert fake.requests == []


async def test_fix_uses_diagnostics_and_applies_a_minimal_edit_from_a_fenced_reply(fake, tmp_path):
    uri = (tmp_path / "geo.py").as_uri()
    diag = types.Diagnostic(
        range=types.Range(types.Position(4, 11), types.Position(4, 15)),
        message="Name 'mth' is not defined",
        severity=types.DiagnosticSeverity.Error,
        source="pyflakes",
    )
    broken = SOURCE.replace("return math.pi * r * r", "return mth.pi * r * r")
    reply = (
        "Here is the fix:\n```python\ndef area(r):\n    return math.pi * r * r\n```\nIt was a typo."
    )
    fake.script(FakeReply(text=reply))
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, broken)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, (4, 11), (4, 15), [diag])
        )
        (fix,) = [a for a in actions if a.title == "DeepSeek: fix the problems here"]
        assert fix.kind == types.CodeActionKind.QuickFix
        resolved = await client.code_action_resolve_async(fix)
        edits = edits_for(resolved.edit, uri)
        assert apply_text_edits(broken, edits) == SOURCE
        assert all(e.range.start.line == 4 for e in edits), "only the changed line is rewritten"
        prompt = str(chat_requests(fake)[0].body["messages"])
        assert "Name 'mth' is not defined" in prompt


async def test_docstring_with_wrong_indentation_is_rebased(fake, tmp_path):
    uri = (tmp_path / "geo.py").as_uri()
    fake.script(FakeReply(text='        """Area of a circle of radius r."""'))
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, SOURCE)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, (4, 4), (4, 4))
        )
        (doc_action,) = [a for a in actions if a.title == "DeepSeek: add a docstring"]
        resolved = await client.code_action_resolve_async(doc_action)
        result = apply_text_edits(SOURCE, edits_for(resolved.edit, uri))
        assert 'def area(r):\n    """Area of a circle of radius r."""\n    return math.pi' in result


async def test_generate_tests_creates_the_test_file_with_a_workspace_edit(fake, tmp_path):
    (tmp_path / "tests").mkdir()
    uri = (tmp_path / "geo.py").as_uri()
    fake.script(
        FakeReply(
            text="```python\nfrom geo import area\n\n\n"
            "def test_area():\n    assert area(1) > 3\n```"
        )
    )
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, SOURCE)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, (3, 0), (4, 10))
        )
        (tests,) = [a for a in actions if a.title == "DeepSeek: generate tests"]
        resolved = await client.code_action_resolve_async(tests)
        changes = resolved.edit.document_changes
        created = [c for c in changes if isinstance(c, types.CreateFile)]
        assert [c.uri for c in created] == [(tmp_path / "tests" / "test_geo.py").as_uri()]
        new_text = "".join(e.new_text for e in edits_for(resolved.edit, created[0].uri))
        assert "def test_area():\n    assert area(1) > 3" in new_text


async def test_refactor_as_a_command_for_clients_without_resolve(fake, tmp_path):
    uri = (tmp_path / "geo.py").as_uri()
    fake.script(FakeReply(text="```\ndef perimeter(radius):\n    return math.tau * radius\n```"))
    async with lsp_session(fake, root=tmp_path, resolve_edit=False) as client:
        open_doc(client, uri, SOURCE)
        # lsprotocol mis-reads a CodeAction carrying a command on the client side: read raw JSON
        raw = await raw_request(
            client,
            types.TEXT_DOCUMENT_CODE_ACTION,
            client.protocol._converter.unstructure(code_action_params(uri, (7, 0), (8, 26))),
        )
        (refactor,) = [a for a in as_dict(raw) if a["title"] == "DeepSeek: refactor this code"]
        assert "data" not in refactor or refactor["data"] is None
        command = refactor["command"]
        assert command["command"] == "deepseek.refactor"
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command["command"], arguments=command["arguments"])
        )
        assert as_dict(result)["applied"] is True
        (edit,) = client.applied_edits
        new = apply_text_edits(SOURCE, edits_for(edit, uri))
        assert "def perimeter(radius):\n    return math.tau * radius" in new
        assert new.startswith("import math\n\n\ndef area(r):\n    return math.pi * r * r\n")


async def test_explain_returns_text_and_shows_it(fake, tmp_path):
    uri = (tmp_path / "geo.py").as_uri()
    fake.script(FakeReply(text="It computes the area of a circle."))
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, SOURCE)
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="deepseek.explain",
                arguments=[
                    uri,
                    {"start": {"line": 3, "character": 0}, "end": {"line": 4, "character": 26}},
                ],
            )
        )
        assert as_dict(result) == {"text": "It computes the area of a circle."}
        assert any(m.message == "It computes the area of a circle." for m in client.messages)


async def test_bad_command_arguments_get_an_error(fake, tmp_path):
    from pygls.exceptions import JsonRpcException

    async with lsp_session(fake, root=tmp_path) as client:
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(command="deepseek.refactor", arguments=[42])
            )
        with pytest.raises(JsonRpcException):
            await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="deepseek.refactor", arguments=["file:///nope.py", {}]
                )
            )


DIRECTIVES = [
    ("python", "py", "def main():\n    # @deepseek print hello\n    pass\n", 1, "    "),
    ("javascript", "js", "function main() {\n  // @deepseek print hello\n}\n", 1, "  "),
    ("go", "go", "package main\n\nfunc main() {\n\t// @deepseek print hello\n}\n", 3, "\t"),
    ("rust", "rs", "fn main() {\n    // @deepseek print hello\n}\n", 1, "    "),
    ("sql", "sql", "-- @deepseek select every user\n", 0, ""),
    ("lua", "lua", "local function main()\n  -- @deepseek print hello\nend\n", 1, "  "),
    ("html", "html", "<body>\n  <!-- @deepseek a hello heading -->\n</body>\n", 1, "  "),
    ("shellscript", "sh", "#!/bin/sh\n# @deepseek print hello\n", 1, ""),
]


@pytest.mark.parametrize(("language", "ext", "text", "line", "indent"), DIRECTIVES)
async def test_directive_inserts_code_below_the_comment(
    fake, tmp_path, language, ext, text, line, indent
):
    uri = (tmp_path / f"main.{ext}").as_uri()
    fake.script(FakeReply(text="```\nhello()\nworld()\n```"))
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, text, language=language)
        actions = await client.text_document_code_action_async(
            code_action_params(uri, (line, 0), (line, 0))
        )
        (run,) = [a for a in actions if a.title == "DeepSeek: run @deepseek instruction"]
        resolved = await client.code_action_resolve_async(run)
        new = apply_text_edits(text, edits_for(resolved.edit, uri))
        lines = new.split("\n")
        assert "@deepseek" in lines[line], "the comment is kept"
        assert lines[line + 1 : line + 3] == [f"{indent}hello()", f"{indent}world()"]
        body = str(chat_requests(fake)[0].body["messages"])
        assert "print hello" in body or "select every user" in body or "hello heading" in body


async def test_batch_docstrings_make_one_edit_within_the_concurrency_bound(fake, tmp_path):
    functions = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(8))
    uri = (tmp_path / "many.py").as_uri()
    fake.configure(first_token_delay=0.15)
    async with lsp_session(fake, root=tmp_path) as client:
        open_doc(client, uri, functions)
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="deepseek.addDocstringsToFile", arguments=[uri])
        )
        assert as_dict(result)["edits"] == 8
        (edit,) = client.applied_edits
        new = apply_text_edits(functions, edits_for(edit, uri))
        assert new.count('"""') == 16
        requests = chat_requests(fake)
        assert len(requests) == 8
        events = sorted(
            [(r.received_at, 1) for r in requests] + [(r.finished_at, -1) for r in requests]
        )
        running = peak = 0
        for _, step in events:
            running += step
            peak = max(peak, running)
        assert 2 <= peak <= 4, f"peak concurrency {peak}"
