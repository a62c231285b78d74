"""Similar snippets from open documents: Jaccard ranking, threshold, never the current file."""

from __future__ import annotations

from deepseek_lsp.engine.workspace import similar

from .conftest import document


def test_jaccard_is_shared_over_all_tokens():
    a, b = frozenset({"x", "y", "z"}), frozenset({"y", "z", "w"})
    assert similar.jaccard(a, b) == 2 / 4
    assert similar.jaccard(a, frozenset()) == 0.0


def test_tokens_leave_out_keywords():
    assert similar.tokens("def load_user(self, user_id): return None") == {"load_user", "user_id"}


def test_best_window_per_document_ranked_by_similarity():
    query = similar.tokens("user = repo.load_user(user_id)\nuser.save(session)")
    close = similar.windows(
        "file:///close.py", 1, "x = 1\n" * 30 + "user = repo.load_user(user_id)\n"
    )
    far = similar.windows("file:///far.py", 1, "user = make_user(session)\nrender(page)\n")
    none = similar.windows("file:///none.py", 1, "alpha beta gamma\n")
    matches = similar.best_windows(query, [far, none, close])
    assert [m.uri for m in matches] == ["file:///close.py", "file:///far.py"]
    assert "user = repo.load_user(user_id)" in matches[0].text
    assert matches[0].start == 11  # the window holding the similar line, not the file's top
    assert matches[0].score > matches[1].score >= similar.THRESHOLD


def test_similar_snippet_from_an_open_document_but_never_the_current_one(make_workspace):
    ws = make_workspace(
        {
            "handlers/users.py": (
                "def get_user(request, user_id):\n"
                "    user = repository.find_user(user_id)\n"
                "    return render_json(user, status=200)\n"
                "║"
            ),
            "handlers/orders.py": "",
        }
    )
    orders = document(
        ws.root / "handlers/orders.py",
        "def get_order(request, order_id):\n"
        "    order = repository.find_order(order_id)\n"
        "    return render_json(order, status=200)\n",
    )
    unrelated = document(ws.root / "notes.py", "alpha = beta + gamma\n")
    snippets = ws.context(open_docs=(ws.doc, orders, unrelated))
    similar_ones = [s for s in snippets if s.source == "similar"]
    assert [s.path for s in similar_ones] == ["handlers/orders.py"]
    assert "repository.find_order(order_id)" in similar_ones[0].text


def test_excluded_open_document_is_not_a_source(make_workspace):
    ws = make_workspace({"app.py": "token = load_secret_token(vault)\n║"})
    env = document(ws.root / ".env", "token = load_secret_token(vault)\n")
    ws.builder.set_limits(ws.builder.limits.__class__(exclude=("**/.env",)))
    assert ws.context(open_docs=(env,)) == ()
