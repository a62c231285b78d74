"""The workspace room (issue 12): an index of the workspace and cross-file context sources.

No pygls here; grammars load on first use. Import `service.WorkspaceService` only after the
initialize answer: nothing in this room belongs on the start-up path.
"""
