"""Deterministic canned replies of the fake DeepSeek server (what ``--offline`` mode shows).

FIM recognises a few common cursor contexts (a Python ``def``/``class`` header, a JavaScript
function, a comment line) and continues them plausibly; anything else gets an honest one-line
comment. Chat echoes the command and instruction it received, with a fenced code block when the
request asks for code, so a newcomer can see the whole pipeline work without a key.
"""

from __future__ import annotations

import re
from typing import Any

PY_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)\s*\((.*)\)\s*(?:->\s*[^:]+)?:\s*$")
PY_CLASS = re.compile(r"^(\s*)class\s+(\w+)\s*(?:\(.*\))?\s*:\s*$")
JS_FUNC = re.compile(
    r"^(\s*)(?:export\s+)?(?:async\s+)?(?:function\s*\*?\s*(\w*)|(?:const|let|var)\s+(\w+)\s*=\s*"
    r"(?:async\s*)?(?:function\s*)?)\s*\(([^)]*)\)\s*(?:=>\s*)?\{\s*$"
)
COMMENT = re.compile(r"^(\s*)(#|//)\s*(.*?)\s*$")
FENCE = re.compile(r"```([\w+-]*)\n(.*?)```", re.DOTALL)
CODE_WORDS = re.compile(
    r"\b(code|fix|refactor|rewrite|implement|write|generate|tests?|convert|optimi[sz]e|add)\b"
)
Body = list[tuple[int, str]]


def _params(raw: str) -> list[str]:
    """Parameter names without annotations, defaults, ``self`` or ``cls``."""
    names = [re.split(r"[:=]", p)[0].strip(" *") for p in raw.split(",")]
    return [n for n in names if n and n not in ("self", "cls")]


def _python_def(name: str, params: list[str]) -> Body:
    """A plausible body for a Python function."""
    n = params[0] if params else "n"
    lower = name.lower()
    if lower in ("fib", "fibonacci"):
        return [
            (0, f"if {n} < 2:"),
            (1, f"return {n}"),
            (0, f"return {name}({n} - 1) + {name}({n} - 2)"),
        ]
    if lower == "factorial":
        return [(0, f"if {n} <= 1:"), (1, "return 1"), (0, f"return {n} * {name}({n} - 1)")]
    if lower == "is_prime":
        return [
            (0, f"if {n} < 2:"),
            (1, "return False"),
            (0, f"return all({n} % i for i in range(2, int({n} ** 0.5) + 1))"),
        ]
    if lower == "__init__":
        return [(0, f"self.{p} = {p}") for p in params] or [(0, "pass")]
    if lower == "main":
        return [(0, 'print("Hello, world!")')]
    if lower in ("add", "sum") and len(params) >= 2:
        return [(0, f"return {params[0]} + {params[1]}")]
    doc = name.replace("_", " ").strip().capitalize()
    return [(0, f'"""{doc}."""'), (0, "raise NotImplementedError")]


def _js_function(name: str, params: list[str]) -> Body:
    """A plausible body for a JavaScript function."""
    n = params[0] if params else "n"
    if name.lower() in ("fib", "fibonacci"):
        return [(0, f"if ({n} < 2) return {n};"), (0, f"return {name}({n} - 1) + {name}({n} - 2);")]
    if name.lower() == "add" and len(params) >= 2:
        return [(0, f"return {params[0]} + {params[1]};")]
    return [(0, f"// TODO: implement {name or 'this function'}"), (0, "return null;")]


def _from_comment(marker: str, words: str) -> Body:
    """The line a comment asks for."""
    lower = words.lower()
    python = marker == "#"
    if "hello" in lower or "print" in lower or "log" in lower:
        return [(0, 'print("Hello, world!")' if python else 'console.log("Hello, world!");')]
    if python and "import" in lower:
        return [(0, "import os"), (0, "import sys")]
    name = "_".join(re.findall(r"[a-z0-9]+", lower)[:4]) or "todo"
    if python:
        return [(0, f"def {name}():"), (1, "pass")]
    camel = re.sub(r"_(\w)", lambda m: m.group(1).upper(), name)
    return [(0, f"function {camel}() {{"), (0, "}")]


def _render(body: Body, indent: str, unit: str, current: str) -> str:
    """Body lines at ``indent``; the first continues the cursor line ``current``."""
    lines = [indent + unit * depth + text if text else "" for depth, text in body]
    if current.strip():
        return "\n" + "\n".join(lines) + "\n"
    first = lines[0][len(current) :] if lines[0].startswith(current) else lines[0].lstrip()
    return "\n".join([first, *lines[1:]]) + "\n"


def _indent_of(line: str) -> str:
    return line[: len(line) - len(line.lstrip())]


def fim_text(prompt: str, suffix: str = "") -> str:
    """A canned continuation for the cursor at the end of ``prompt``."""
    text = _fim_text(prompt, suffix)
    return text[:-1] if suffix.startswith("\n") and text.endswith("\n") else text


def _fim_text(prompt: str, suffix: str) -> str:
    """``fim_text`` before trimming the newline the suffix already has."""
    lines = prompt.split("\n")
    current = lines[-1]
    header = current if current.strip() else next((x for x in reversed(lines) if x.strip()), "")
    if m := PY_DEF.match(header):
        return _render(_python_def(m[2], _params(m[3])), m[1] + "    ", "    ", current)
    if m := PY_CLASS.match(header):
        body = [(0, f'"""A {m[2]}."""'), (0, ""), (0, "def __init__(self) -> None:"), (1, "pass")]
        return _render(body, m[1] + "    ", "    ", current)
    if m := JS_FUNC.match(header):
        text = _render(_js_function(m[2] or m[3] or "", _params(m[4])), m[1] + "  ", "  ", current)
        return text if suffix.lstrip().startswith("}") else text + m[1] + "}\n"
    if m := COMMENT.match(header):
        return _render(_from_comment(m[2], m[3]), m[1], "    " if m[2] == "#" else "  ", current)
    marker = "//" if re.search(r"[;{}]\s*$|\bfunction\b|\bconst\b", prompt) else "#"
    if current.strip():
        space = "" if current.endswith(" ") else " "
        return f"{space} {marker} offline suggestion (no DeepSeek request was made)"
    return f"{marker} offline suggestion (no DeepSeek request was made)"


def _content_text(content: Any) -> str:
    """A message's text, whether a string or a list of content parts."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def prompt_text(body: dict[str, Any]) -> str:
    """The text the prefix cache and token counts are computed on."""
    if "messages" in body:
        messages = body["messages"] if isinstance(body["messages"], list) else []
        parts = [
            f"{m.get('role', '')}: {_content_text(m.get('content'))}\n"
            for m in messages
            if isinstance(m, dict)
        ]
        return "".join(parts)
    return f"{body.get('prompt') or ''}\x00{body.get('suffix') or ''}"


def chat_text(messages: list[Any]) -> str:
    """A canned chat reply echoing the command and instruction received."""
    users = [
        _content_text(m.get("content"))
        for m in messages
        if isinstance(m, dict) and m.get("role") == "user"
    ] or [""]
    last = users[-1]
    command = re.search(r"(?:^|\s)(/\w+)", last)
    instruction = next((x.strip() for x in last.splitlines() if x.strip()), "(empty message)")
    reply = "(offline fake DeepSeek, no real model was called)\n"
    if command:
        reply += f"Command: {command[1]}\n"
    reply += f"Instruction: {instruction[:120]}\n"
    fence = FENCE.search(last)
    if fence is None and not CODE_WORDS.search(last.lower()):
        return reply + "\nThis canned reply only shows that the request arrived."
    lang = fence[1] if fence and fence[1] else "python"
    code = fence[2] if fence else 'def example() -> str:\n    return "hello"\n'
    marker = "#" if lang in ("python", "py", "sh", "bash", "ruby", "yaml", "toml", "") else "//"
    return f"{reply}\n```{lang}\n{marker} offline fake: {instruction[:60]}\n{code}```\n"


def prefix_text(prefix: str) -> str:
    """A canned continuation of an assistant prefix (prefix completion)."""
    if prefix.count("```") % 2 == 1:
        return "# offline fake continuation\n```\n"
    return " (offline fake continuation)"
