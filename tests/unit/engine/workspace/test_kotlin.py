"""Kotlin: outlines and package/import resolution like Java's (tree-sitter-kotlin)."""

from __future__ import annotations

from deepseek_lsp.engine.workspace.outline import outline

SOURCE = """package com.acme.store

import com.acme.util.Strings
import com.acme.net.Client as Net
import com.acme.money.*

/** A shelf of items. */
class Store(val n: Int) {
    fun get(id: Int): Int { return id }
}

object Registry {
    fun find(name: String): Store? = null
}

fun double(x: Int): Int = x * 2

val LIMIT: Int = 10
"""


def test_kotlin_outline_has_classes_objects_functions_properties_and_imports():
    parsed = outline("kotlin", SOURCE)
    assert parsed is not None
    assert parsed.package == "com.acme.store"
    found = {d.name: d for d in parsed.definitions}
    assert found["Store"].signature == "class Store(val n: Int)"
    assert found["Store"].doc == "A shelf of items."
    assert [m.signature for m in found["Store"].members] == ["fun get(id: Int): Int"]
    assert [m.name for m in found["Registry"].members] == ["find"]
    assert found["double"].signature == "fun double(x: Int): Int"
    assert found["LIMIT"].kind == "variable"
    imports = {(i.module, i.names, i.star) for i in parsed.imports}
    assert ("com.acme.util", (("Strings", "Strings"),), False) in imports
    assert ("com.acme.net", (("Client", "Net"),), False) in imports
    assert ("com.acme.money", (), True) in imports


def test_kotlin_import_of_a_top_level_function_and_the_same_package(make_workspace):
    ws = make_workspace(
        {
            "src/main/kotlin/com/acme/util/Text.kt": (
                "package com.acme.util\n\nfun pad(s: String, n: Int): String = s\n"
            ),
            "src/main/kotlin/com/acme/app/Helper.kt": (
                "package com.acme.app\n\nclass Helper {\n    fun twice(x: Int): Int = 2 * x\n}\n"
            ),
            "src/main/kotlin/com/acme/app/Legacy.java": (
                "package com.acme.app;\n"
                "public class Legacy { public static int old() { return 1; } }\n"
            ),
            "src/main/kotlin/com/acme/app/Main.kt": (
                "package com.acme.app\n\nimport com.acme.util.pad\n\n"
                "fun main() {\n    val h = Helper()\n    h.twice(2)\n    ║\n}\n"
            ),
        }
    )
    found = ws.definitions()
    assert "fun pad(s: String, n: Int): String" in found
    assert "class Helper\n    fun twice(x: Int): Int" in found
    assert "public static int old()" in found  # a Java class of the same package
