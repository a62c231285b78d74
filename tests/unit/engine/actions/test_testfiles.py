"""Generated tests go where each language's conventions put them."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.actions.testfiles import (
    TestTarget,
    edit_for_tests,
    read_lines,
    target_for_tests,
)
from deepseek_lsp.engine.uris import path_to_uri, uri_to_path


def exists_in(*paths: str):
    present = set(paths)
    return lambda path: path in present


@pytest.mark.parametrize(
    ("source", "language", "root", "existing", "expected"),
    [
        # Python: tests/ next to the top package
        (
            "/w/src/pkg/sub/mod.py",
            "python",
            "/w",
            ("/w/src/pkg/__init__.py", "/w/src/pkg/sub/__init__.py", "/w/src/tests"),
            "/w/src/tests/test_mod.py",
        ),
        # Python: tests/ at the workspace root
        (
            "/w/src/pkg/mod.py",
            "python",
            "/w",
            ("/w/src/pkg/__init__.py", "/w/tests"),
            "/w/tests/test_mod.py",
        ),
        # Python: no tests/ folder anywhere: beside the source
        ("/w/tool.py", "python", "/w", (), "/w/test_tool.py"),
        ("/w/web/cart.ts", "typescript", "/w", (), "/w/web/cart.test.ts"),
        ("/w/web/Cart.jsx", "javascriptreact", "/w", (), "/w/web/Cart.test.jsx"),
        ("/w/server/handler.go", "go", "/w", (), "/w/server/handler_test.go"),
        (
            "/w/src/main/java/com/acme/Cart.java",
            "java",
            "/w",
            (),
            "/w/src/test/java/com/acme/CartTest.java",
        ),
        ("/w/lib/acme/cart.rb", "ruby", "/w", (), "/w/spec/acme/cart_spec.rb"),
    ],
)
def test_target_paths(source, language, root, existing, expected):
    target = target_for_tests(source, language, root, exists_in(*existing))
    assert target == TestTarget(expected, "create")


def test_an_existing_test_file_is_appended_to():
    target = target_for_tests("/w/a/cart.go", "go", "/w", exists_in("/w/a/cart_test.go"))
    assert target == TestTarget("/w/a/cart_test.go", "append")


def test_rust_tests_go_into_the_same_file():
    target = target_for_tests("/w/src/lib.rs", "rust", "/w", exists_in())
    assert target == TestTarget("/w/src/lib.rs", "append", same_file=True)


def test_uri_round_trip_with_spaces():
    uri = path_to_uri("/w/my project/a.py")
    assert uri == "file:///w/my%20project/a.py"
    assert uri_to_path(uri) == "/w/my project/a.py"


def test_edits_for_each_mode(tmp_path):
    code = ["def test_x():", "    assert x() == 1"]
    created, to_create = edit_for_tests(
        TestTarget("/w/test_a.py", "create"), "file:///w/a.py", ["x"], code, None
    )
    assert to_create == ("file:///w/test_a.py",)
    assert (created.start, created.new_text) == ((0, 0), "def test_x():\n    assert x() == 1\n")

    existing_file = tmp_path / "test_b.py"
    existing_file.write_text("import b\r\n\r\ndef test_old():\r\n    pass\r\n", newline="")
    existing = read_lines(str(existing_file))
    assert existing == ["import b", "", "def test_old():", "    pass", ""]
    appended, none = edit_for_tests(
        TestTarget(str(existing_file), "append"), "file:///w/b.py", [], code, existing
    )
    assert none == () and appended.start == (4, 0)
    assert appended.new_text == "\ndef test_x():\n    assert x() == 1\n"

    same, _ = edit_for_tests(
        TestTarget("/w/lib.rs", "append", same_file=True),
        "file:///w/lib.rs",
        ["fn a() {}"],
        ["#[cfg(test)]", "mod tests {}"],
        None,
    )
    assert same.uri == "file:///w/lib.rs"
    assert same.start == (0, 9) and same.new_text == "\n\n#[cfg(test)]\nmod tests {}"
