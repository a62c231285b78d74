"""Causes of missed definitions found on real code (bench/context.py), one fixture each."""

from __future__ import annotations


def test_python_half_typed_line_keeps_the_imports_of_the_whole_file(make_workspace):
    # An unclosed call makes tree-sitter wrap the file in one ERROR node (httpx's _client.py).
    ws = make_workspace(
        {
            "pkg/__init__.py": "",
            "pkg/urls.py": "class URL:\n    def join(self, other: str) -> 'URL':\n        pass\n",
            "pkg/client.py": (
                "from .urls import URL\n\n\nclass Client:\n"
                '    def __init__(self, base: str = "") -> None:\n'
                "        self.base = self.enforce(║\n\n    def enforce(self, url: URL) -> URL:\n"
                '        if url.path.endswith(b"/"):\n            return url\n        return url\n'
            ),
        }
    )
    assert "class URL" in ws.definitions()


def test_python_import_inside_a_function(make_workspace):
    ws = make_workspace(
        {
            "rich/__init__.py": "",
            "rich/panel.py": (
                "class Panel:\n    def fit(self, width: int) -> 'Panel':\n        pass\n"
            ),
            "rich/box.py": (
                "def show():\n    from .panel import Panel\n\n    return Panel()\n\n\n"
                "def again():\n    return ║\n"
            ),
        }
    )
    assert "class Panel\n    def fit(self, width: int) -> 'Panel'" in ws.definitions()


def test_rust_use_inside_a_test_function(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": '[package]\nname = "printer"\n',
            "src/lib.rs": "pub mod detect;\npub mod json;\n",
            "src/detect.rs": (
                "pub struct Detect(u8);\n\nimpl Detect {\n"
                "    pub fn quit(byte: u8) -> Detect { Detect(byte) }\n}\n"
            ),
            "src/json.rs": (
                "pub fn print() {}\n\n#[cfg(test)]\nmod tests {\n    #[test]\n    fn binary() {\n"
                "        use crate::detect::Detect;\n        let d = ║\n    }\n}\n"
            ),
        }
    )
    assert "pub fn quit(byte: u8) -> Detect" in ws.definitions()


def test_rust_crate_root_that_cargo_names_by_path(make_workspace):
    # ripgrep: [[test]] path = "tests/tests.rs" and [[bin]] path = "crates/core/main.rs"
    ws = make_workspace(
        {
            "Cargo.toml": (
                '[package]\nname = "ripgrep"\n\n[[test]]\nname = "integration"\n'
                'path = "tests/tests.rs"\n'
            ),
            "tests/tests.rs": "mod util;\nmod feature;\n",
            "tests/util.rs": "pub fn sort_lines(lines: &str) -> String { lines.into() }\n",
            "tests/feature.rs": "use crate::util::sort_lines;\n\nfn f() {\n    let s = ║\n}\n",
        }
    )
    assert "pub fn sort_lines(lines: &str) -> String" in ws.definitions()


GO_MOD = "module example.com/cobra\n"


def test_go_test_file_sees_the_helpers_of_the_other_test_files(make_workspace):
    ws = make_workspace(
        {
            "go.mod": GO_MOD,
            "command.go": "package cobra\n\ntype Command struct{ Use string }\n",
            "command_test.go": (
                "package cobra\n\n"
                "func executeCommand(root *Command, args ...string) (string, error) "
                '{\n\treturn "", nil\n}\n'
            ),
            "args_test.go": "package cobra\n\nfunc TestArgs(t *testing.T) {\n\tout, err := ║\n}\n",
        }
    )
    assert "func executeCommand(root *Command, args ...string) (string, error)" in (
        ws.definitions()
    )


def test_go_code_does_not_get_test_helpers(make_workspace):
    ws = make_workspace(
        {
            "go.mod": GO_MOD,
            "command_test.go": 'package cobra\n\nfunc executeCommand() string { return "" }\n',
            "args.go": "package cobra\n\nfunc Args() {\n\t║\n}\n",
        }
    )
    assert "executeCommand" not in ws.definitions()


def test_go_methods_declared_in_another_file_of_the_package(make_workspace):
    ws = make_workspace(
        {
            "go.mod": GO_MOD,
            "command.go": "package cobra\n\ntype Command struct{ Use string }\n",
            "args.go": "package cobra\n\n" + "".join(f"func Args{i}() {{}}\n" for i in range(40)),
            "shell.go": (
                "package cobra\n\n// MarkFlagRequired makes the flag required.\n"
                "func (c *Command) MarkFlagRequired(name string) error { return nil }\n"
            ),
            "main.go": (
                'package cobra\n\nfunc main() {\n\troot := &Command{Use: "x"}\n'
                '\troot.MarkFlagRequired("a")\n\t║\n}\n\nfunc later() {\n'
                + "".join(f"\tArgs{i}()\n" for i in range(40))  # mentioned, so ranked up
                + "}\n"
            ),
        }
    )
    snippets = {s.path: s.text for s in ws.context(max_tokens=100) if s.source == "definitions"}
    assert "func (c *Command) MarkFlagRequired(name string) error" in snippets["shell.go"]


def test_go_value_from_a_constructor_gets_every_method_of_its_type(make_workspace):
    methods = "".join(
        f"func (v *Viper) GetKey{i}(key string) int {{ return {i} }}\n" for i in range(60)
    )
    ws = make_workspace(
        {
            "go.mod": "module example.com/viper\n",
            "viper.go": (
                "package viper\n\nvar v *Viper\n\ntype Viper struct{ keys []string }\n\n"
                "func New() *Viper { return &Viper{} }\n\n" + methods
            ),
            "viper_test.go": (
                "package viper\n\nfunc TestGet(t *testing.T) {\n\tv := New()\n"
                '\tv.GetKey1("a")\n\t║\n}\n'
            ),
        }
    )
    found = ws.definitions(max_tokens=8000)
    assert "type Viper struct" in found
    assert "func (v *Viper) GetKey59(key string) int" in found  # beyond the first 40 members


def test_go_package_before_imported_packages_and_no_unexported_names(make_workspace):
    ws = make_workspace(
        {
            "go.mod": GO_MOD,
            "cobra.go": ("package cobra\n\nfunc Exported() {}\n\nfunc internalHelper() {}\n"),
            "doc/util.go": "package doc\n\nfunc hasSeeAlso(n int) bool { return n > 0 }\n",
            "doc/man.go": (
                'package doc\n\nimport "example.com/cobra"\n\nfunc Gen() {\n\tif ║\n}\n'
            ),
        }
    )
    found = ws.definitions()
    assert "func hasSeeAlso(n int) bool" in found
    assert "internalHelper" not in found
    assert ws.definitions(max_tokens=30) == "func hasSeeAlso(n int) bool"  # room for one: its own


RUST_CARGO = '[package]\nname = "rg"\n'


def test_rust_use_of_a_module_by_name_then_a_path_call(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": RUST_CARGO,
            "src/main.rs": "mod flags;\n",
            "src/flags/mod.rs": "pub(crate) mod doc;\n",
            "src/flags/doc/mod.rs": "pub(crate) mod version;\npub(crate) mod help;\n",
            "src/flags/doc/version.rs": "pub(crate) fn generate_digits() -> String { todo!() }\n",
            "src/flags/doc/help.rs": (
                "use crate::flags::doc::version;\n\nfn short() -> String {\n"
                "    let v = version::generate_digits();\n    ║\n}\n"
            ),
        }
    )
    assert "pub(crate) fn generate_digits() -> String" in ws.definitions()


def test_rust_module_alias_offers_what_its_mod_rs_reexports(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": RUST_CARGO,
            "src/main.rs": "mod flags;\n\nfn main() {\n    let args = ║\n}\n",
            "src/flags/mod.rs": (
                "mod parse;\n\npub(crate) use crate::flags::parse::{parse, Parsed};\n"
            ),
            "src/flags/parse.rs": (
                "pub(crate) struct Parsed;\n\npub(crate) fn parse() -> Parsed { Parsed }\n"
            ),
        }
    )
    assert "pub(crate) fn parse() -> Parsed" in ws.definitions()


def test_rust_super_inside_an_inline_test_module_is_the_file_itself(make_workspace):
    ws = make_workspace(
        {
            "Cargo.toml": RUST_CARGO,
            "src/lib.rs": "pub mod term;\npub mod strip;\n",
            "src/term.rs": (
                "pub struct LineTerminator(u8);\n\nimpl LineTerminator {\n"
                "    pub fn byte(b: u8) -> LineTerminator { LineTerminator(b) }\n}\n"
            ),
            "src/strip.rs": (
                "use crate::term::LineTerminator;\n\npub fn strip(t: LineTerminator) {}\n\n"
                "#[cfg(test)]\nmod tests {\n    use super::{strip, LineTerminator};\n\n"
                "    #[test]\n    fn nul() {\n        strip(║)\n    }\n}\n"
            ),
        }
    )
    assert "pub fn byte(b: u8) -> LineTerminator" in ws.definitions()


def test_rust_method_on_a_parameter_of_a_reference_type(make_workspace):
    methods = "".join(f"    pub fn step{i}(&self) -> u8 {{ {i} }}\n" for i in range(50))
    ws = make_workspace(
        {
            "Cargo.toml": RUST_CARGO,
            "src/lib.rs": "pub mod searcher;\npub mod sink;\n",
            "src/searcher.rs": "pub struct Searcher;\n\nimpl Searcher {\n" + methods + "}\n",
            "src/sink.rs": (
                "use crate::searcher::Searcher;\n\n"
                "pub fn matched(searcher: &mut Searcher) {\n    searcher.step0();\n    ║\n}\n"
            ),
        }
    )
    assert "pub fn step49(&self) -> u8" in ws.definitions()


def test_go_import_of_a_major_version_binds_the_package_name_not_v2():
    from deepseek_lsp.engine.workspace.outline import outline

    parsed = outline(
        "go",
        'package main\n\nimport (\n\t"example.com/kit/v2"\n\t"gopkg.in/yaml.v3"\n'
        '\t"github.com/pelletier/go-toml/v2"\n\tst "example.com/kit/v2/store"\n)\n',
    )
    assert parsed is not None
    assert [i.alias for i in parsed.imports] == ["kit", "yaml", "toml", "st"]
