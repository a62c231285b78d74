"""`@deepseek <instruction>` is found in real comments of each language, and nowhere else."""

from __future__ import annotations

import pytest

from deepseek_lsp.engine.actions.directive import Directive, find_directive


@pytest.mark.parametrize(
    ("language", "line", "instruction", "indent"),
    [
        ("python", "    # @deepseek parse ISO dates", "parse ISO dates", "    "),
        ("ruby", "  # @deepseek memoize this", "memoize this", "  "),
        ("shellscript", "# @deepseek retry the curl three times", "retry the curl three times", ""),
        ("yaml", "# @deepseek add a redis service", "add a redis service", ""),
        ("javascript", "\t// @deepseek debounce the handler", "debounce the handler", "\t"),
        ("typescript", "// @deepseek: type the reducer", "type the reducer", ""),
        ("go", "\t// @deepseek add a context timeout", "add a context timeout", "\t"),
        ("rust", "    // @deepseek implement Display", "implement Display", "    "),
        ("java", "    /* @deepseek add a builder */", "add a builder", "    "),
        ("c", "/* @deepseek free the buffer */", "free the buffer", ""),
        ("cpp", "  // @deepseek use a unique_ptr", "use a unique_ptr", "  "),
        ("csharp", "// @deepseek make it async", "make it async", ""),
        ("kotlin", "// @deepseek add a data class", "add a data class", ""),
        ("swift", "// @deepseek conform to Codable", "conform to Codable", ""),
        ("php", "// @deepseek validate the input", "validate the input", ""),
        ("sql", "-- @deepseek join the orders table", "join the orders table", ""),
        ("lua", "  -- @deepseek cache the lookup", "cache the lookup", "  "),
        ("haskell", "-- @deepseek fold instead", "fold instead", ""),
        ("html", "  <!-- @deepseek add a nav bar -->", "add a nav bar", "  "),
        ("xml", "<!-- @deepseek add a dependency -->", "add a dependency", ""),
        ("markdown", "<!-- @deepseek write a usage section -->", "write a usage section", ""),
        ("lisp", "  ; @deepseek define a macro", "define a macro", "  "),
        ("java", "     * @deepseek document the params", "document the params", "     "),
        ("python", "x = f(1)  # @deepseek name this better", "name this better", ""),
    ],
)
def test_directive_in_each_languages_comments(language, line, instruction, indent):
    assert find_directive(line, 7, language) == Directive(7, instruction, indent)


@pytest.mark.parametrize(
    ("language", "line"),
    [
        ("python", 'x = "# @deepseek not a comment"'),
        ("python", "x = '# @deepseek nor this'  # plain comment"),
        ("javascript", "const s = `// @deepseek template string`;"),
        ("go", 'fmt.Println("// @deepseek in a string")'),
        ("python", "@deepseek decorate this"),  # a decorator, not a comment
        ("python", "# see the @deepseek docs"),  # not at the start of the comment
        ("python", "# @deepseek"),  # no instruction
        ("shellscript", "echo $# @deepseek count"),  # `$#` is not a comment
        ("sql", "SELECT '-- @deepseek' FROM t"),
        ("javascript", "# @deepseek wrong comment syntax"),
        ("markdown", "Use @deepseek to write code"),
    ],
)
def test_no_directive_outside_comments(language, line):
    assert find_directive(line, 0, language) is None


def test_language_is_taken_from_the_file_name_when_the_id_is_vague():
    found = find_directive("// @deepseek sort", 2, "plaintext", "file:///w/main.go")
    assert found == Directive(2, "sort", "")


def test_escaped_quotes_do_not_end_the_string():
    assert find_directive(r'x = "a \" # @deepseek no"', 0, "python") is None
    assert find_directive(r'x = "a \"" # @deepseek yes', 0, "python") == Directive(0, "yes", "")
