"""Code actions end to end against a fake chat client: golden files with cursor markers.

`║` marks the cursor; `«` and `»` mark a selection.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from deepseek_lsp.api import ChatRequest, InvalidRequestError, RetryPolicy, Usage
from deepseek_lsp.engine.actions import (
    ActionKind,
    Diagnostic,
    add_docstrings_to_file,
    available_actions,
    run_action,
)
from deepseek_lsp.engine.document import Document
from deepseek_lsp.settings import ChatSettings, Settings

SETTINGS = Settings(chat=ChatSettings(model="m-chat", fallback_models=("m-backup",)))


@dataclass(frozen=True)
class FakeDelta:
    text: str = ""
    reasoning: str = ""


class FakeStream:
    def __init__(self, owner: FakeClient, text: str) -> None:
        self.owner, self.text = owner, text
        self.usage = Usage(prompt_tokens=10, completion_tokens=5, prompt_cache_hit_tokens=4)
        self.model, self.finish_reason = "m-chat", owner.finish_reason

    async def __aenter__(self) -> FakeStream:
        self.owner.active += 1
        self.owner.max_active = max(self.owner.max_active, self.owner.active)
        if self.owner.active >= self.owner.release_at:
            self.owner.release.set()
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.owner.active -= 1
        self.owner.closed += 1

    async def __aiter__(self):
        await self.owner.release.wait()
        for start in range(0, len(self.text), 7):
            yield FakeDelta(text=self.text[start : start + 7])


class FakeClient:
    """Same shape as DeepSeekClient.stream_chat; answers with `reply(request)`."""

    def __init__(self, reply: str | Callable[[ChatRequest], str], release_at: int = 1) -> None:
        self.reply = reply if callable(reply) else (lambda _req: reply)
        self.requests: list[tuple[ChatRequest, RetryPolicy | None, tuple[str, ...]]] = []
        self.active = self.max_active = self.closed = 0
        self.release_at = release_at
        self.release = asyncio.Event()
        self.finish_reason: str | None = "stop"

    def stream_chat(self, req, *, retry, fallback_models):
        self.requests.append((req, retry, tuple(fallback_models)))
        return FakeStream(self, self.reply(req))


def marked(text: str, uri: str = "file:///w/app.py", language: str = "python"):
    """A Document from marked text, and the marked range in code points."""
    if "║" in text:
        text = text.replace("║", "«»")
    before, rest = text.split("«")
    middle, after = rest.split("»")
    start_lines = before.split("\n")
    end_lines = (before + middle).split("\n")
    start = (len(start_lines) - 1, len(start_lines[-1]))
    end = (len(end_lines) - 1, len(end_lines[-1]))
    return Document(uri, before + middle + after, 3, language), (start, end)


def applied(text: str, edits) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: e.start, reverse=True):
        start = offsets[edit.start[0]] + edit.start[1]
        end = offsets[edit.end[0]] + edit.end[1]
        text = text[:start] + edit.new_text + text[end:]
    return text


BUGGY = """\
import math


class Circle:
    def area(self):║
        return math.pi * self.r ** 3

    def diameter(self):
        \"\"\"Twice the radius.\"\"\"
        return 2 * self.r
"""


def test_available_actions_fit_the_cursor_without_any_request():
    doc, cursor = marked(BUGGY)
    diagnostic = Diagnostic("missing return type", line=4, severity="hint")
    kinds = available_actions(doc, cursor, [diagnostic])
    assert set(kinds) == {
        ActionKind.EXPLAIN,
        ActionKind.REFACTOR,
        ActionKind.GENERATE_TESTS,
        ActionKind.FIX,
        ActionKind.ADD_DOCSTRING,
    }
    elsewhere = Diagnostic("unused", line=9)
    assert ActionKind.FIX not in available_actions(doc, cursor, [elsewhere])

    doc, cursor = marked(BUGGY.replace("self):║", "self):").replace("r\n", "r║\n", 1))
    on_documented = available_actions(doc, cursor, [])
    assert ActionKind.ADD_DOCSTRING not in on_documented

    doc, cursor = marked("x = 1\n\n║")
    assert available_actions(doc, cursor, []) == []


async def test_fix_applies_only_the_changed_line_with_the_files_indentation():
    doc, cursor = marked(BUGGY)
    reply = "```python\ndef area(self):\n    return math.pi * self.r ** 2\n```"
    client = FakeClient(reply)
    diagnostic = Diagnostic("area should square the radius", line=5, severity="warning")
    result = await run_action(ActionKind.FIX, doc, cursor, [diagnostic], client, SETTINGS)

    assert applied(doc.text, result.edits) == BUGGY.replace("║", "").replace("** 3", "** 2")
    assert [(e.start, e.end) for e in result.edits] == [((5, 0), (6, 0))]
    assert result.version == 3 and result.usage.prompt_tokens == 10

    request, retry, fallbacks = client.requests[0]
    assert retry == RetryPolicy() and fallbacks == ("m-backup",)
    assert (request.model, request.temperature, request.max_tokens) == ("m-chat", 0.0, 4096)
    system, user = request.messages
    assert system["role"] == "system" and "CODE ONLY" in system["content"]
    assert "line 6 (warning): area should square the radius" in user["content"]
    # stable first: file header and imports before the code to fix and the ask
    assert user["content"].startswith("File: w/app.py (language: python)")
    assert user["content"].index("import math") < user["content"].index("Code to fix")
    assert user["content"].index("Code to fix") < user["content"].index("Fix these problems")


async def test_refactor_of_a_selection_rebases_a_reply_with_the_wrong_indentation():
    source = "def f(items):\n«    total = 0\n    for i in items:\n        total += i\n»"
    source += "    return total\n"
    doc, selection = marked(source)
    reply = "Sure:\n```\n        total = sum(items)\n```\nDone."
    result = await run_action(ActionKind.REFACTOR, doc, selection, [], FakeClient(reply), SETTINGS)
    assert (
        applied(doc.text, result.edits)
        == "def f(items):\n    total = sum(items)\n    return total\n"
    )


async def test_tab_indented_go_keeps_tabs():
    source = "package a\n\nfunc f() int {\n║\tx := 1\n\treturn x\n}\n"
    doc, cursor = marked(source, "file:///w/a.go", "go")
    reply = "```go\nfunc f() int {\n    x := 2\n    return x\n}\n```"
    result = await run_action(ActionKind.REFACTOR, doc, cursor, [], FakeClient(reply), SETTINGS)
    assert applied(doc.text, result.edits) == source.replace("║", "").replace("1", "2")


async def test_explain_streams_prose_and_makes_no_edit():
    doc, cursor = marked(BUGGY)
    deltas: list[str] = []
    answer = "It computes the area, but cubes the radius: a bug."
    result = await run_action(
        ActionKind.EXPLAIN, doc, cursor, [], FakeClient(answer), SETTINGS, on_delta=deltas.append
    )
    assert result.text == answer and result.edits == ()
    assert len(deltas) > 1 and "".join(deltas) == answer


async def test_add_docstring_goes_into_the_body():
    doc, cursor = marked(BUGGY)
    client = FakeClient("Area of the circle.")
    result = await run_action(ActionKind.ADD_DOCSTRING, doc, cursor, [], client, SETTINGS)
    expected = BUGGY.replace("║", "").replace(
        "def area(self):\n", 'def area(self):\n        """Area of the circle."""\n'
    )
    assert applied(doc.text, result.edits) == expected
    assert "`area`" in client.requests[0][0].messages[1]["content"]


async def test_run_instruction_inserts_below_the_comment_at_its_indent():
    source = "function main() {\n  // @deepseek║ log the start time\n  run();\n}\n"
    doc, cursor = marked(source, "file:///w/main.js", "javascript")
    reply = "```js\nconst started = Date.now();\nconsole.log(started);\n```"
    client = FakeClient(reply)
    result = await run_action(ActionKind.RUN_INSTRUCTION, doc, cursor, [], client, SETTINGS)
    assert applied(doc.text, result.edits) == (
        "function main() {\n  // @deepseek log the start time\n"
        "  const started = Date.now();\n  console.log(started);\n  run();\n}\n"
    )
    assert "Instruction: log the start time" in client.requests[0][0].messages[1]["content"]


async def test_generate_tests_creates_the_conventional_file(tmp_path):
    (tmp_path / "tests").mkdir()
    source = "def add(a, b):║\n    return a + b\n"
    doc, cursor = marked(source, (tmp_path / "calc.py").as_uri())
    reply = "```python\nfrom calc import add\n\n\ndef test_add():\n    assert add(1, 2) == 3\n```"
    result = await run_action(
        ActionKind.GENERATE_TESTS,
        doc,
        cursor,
        [],
        FakeClient(reply),
        SETTINGS,
        workspace_root=str(tmp_path),
    )
    test_uri = (tmp_path / "tests" / "test_calc.py").as_uri()
    assert result.create_files == (test_uri,)
    [edit] = result.edits
    assert edit.uri == test_uri and edit.new_text.endswith("assert add(1, 2) == 3\n")


async def test_a_cut_off_or_empty_reply_changes_nothing():
    doc, cursor = marked(BUGGY)
    client = FakeClient("```python\ndef area(self):\n    return")
    client.finish_reason = "length"
    result = await run_action(ActionKind.FIX, doc, cursor, [], client, SETTINGS)
    assert result.edits == () and "cut off" in result.text
    empty = await run_action(ActionKind.REFACTOR, doc, cursor, [], FakeClient("```\n```"), SETTINGS)
    assert empty.edits == () and "no code" in empty.text


async def test_excluded_files_are_never_sent():
    doc, cursor = marked("║API_KEY=abc\n", "file:///w/.env", "dotenv")
    client = FakeClient("x")
    result = await run_action(ActionKind.EXPLAIN, doc, cursor, [], client, SETTINGS)
    assert client.requests == [] and "privacy.exclude" in result.text


MANY = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(6)) + (
    'def done():\n    """Already documented."""\n'
)


async def test_batch_docstrings_respect_the_concurrency_bound_and_form_one_edit():
    doc = Document("file:///w/many.py", MANY, 9, "python")

    def reply(req: ChatRequest) -> str:
        name = req.messages[1]["content"].rsplit("`", 2)[1]
        return f"Document {name}."

    client = FakeClient(reply, release_at=2)
    result = await add_docstrings_to_file(doc, client, SETTINGS, concurrency=2)

    assert len(client.requests) == 6 and client.max_active == 2 and client.closed == 6
    assert result.version == 9 and result.usage.prompt_tokens == 60
    expected = (
        "".join(f'def f{i}(x):\n    """Document f{i}."""\n    return x + {i}\n\n' for i in range(6))
        + 'def done():\n    """Already documented."""\n'
    )
    assert applied(MANY, result.edits) == expected
    starts = [e.start for e in result.edits]
    assert starts == sorted(set(starts))  # in order, none overlapping


async def test_batch_positions_come_from_the_original_document_even_if_it_changes():
    doc = Document("file:///w/many.py", MANY, 9, "python")
    client = FakeClient("Doc.", release_at=1)
    task = asyncio.create_task(add_docstrings_to_file(doc, client, SETTINGS))
    await asyncio.wait_for(client.release.wait(), 5)
    doc.apply_change((0, 0), (0, 0), "# header\n", 10)  # the user types meanwhile
    result = await task
    assert result.version == 9
    assert [e.start for e in result.edits] == [(1 + 3 * i, 0) for i in range(6)]


async def test_batch_keeps_what_succeeded_and_says_what_failed():
    doc = Document("file:///w/many.py", MANY, 9, "python")

    def reply(req: ChatRequest) -> str:
        if "`f3`" in req.messages[1]["content"]:
            raise InvalidRequestError("DeepSeek rejected the request (400): too long")
        return "Doc."

    result = await add_docstrings_to_file(doc, FakeClient(reply), SETTINGS)
    assert len(result.edits) == 5 and "1 of 6 docstrings failed" in result.text
    assert all(e.start != (10, 0) for e in result.edits)  # f3's body line

    def always_fails(_req: ChatRequest) -> str:
        raise InvalidRequestError("no")

    with pytest.raises(InvalidRequestError):
        await add_docstrings_to_file(doc, FakeClient(always_fails), SETTINGS)

    documented = Document("file:///w/d.py", 'def d():\n    """D."""\n', 1, "python")
    nothing = await add_docstrings_to_file(documented, FakeClient(always_fails), SETTINGS)
    assert nothing.edits == () and "Every function" in nothing.text


def test_action_kinds_name_their_commands():
    assert ActionKind.ADD_DOCSTRING.command == "deepseek.addDocstring"
    assert ActionKind.RUN_INSTRUCTION.command == "deepseek.runInstruction"
    assert ActionKind.EXPLAIN.title.startswith("DeepSeek: ")


STUBS = "def add(a, b):\n    \n\n\ndef sub(a, b):\n"


@pytest.mark.parametrize("line", [0, 1])
def test_a_function_with_an_empty_body_is_offered_a_docstring(line):
    doc = Document("file:///w/stub.py", STUBS, 1, "python")
    assert ActionKind.ADD_DOCSTRING in available_actions(doc, ((line, 0), (line, 0)), [])


async def test_batch_docstrings_cover_functions_whose_body_is_still_empty():
    doc = Document("file:///w/stub.py", STUBS, 1, "python")
    result = await add_docstrings_to_file(doc, FakeClient("Doc."), SETTINGS)
    assert result.text is None
    assert applied(STUBS, result.edits) == (
        'def add(a, b):\n    """Doc."""\n    \n\n\ndef sub(a, b):\n    """Doc."""\n'
    )
