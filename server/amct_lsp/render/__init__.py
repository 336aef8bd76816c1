"""One renderer for rename chains, findings and the model report, shared by the CLI and the server.

- `chains` — a chain (and a model's tail) as JSON and as plain-text lines: the one JSON shape of a chain.
- `model_text` — the `amct-lsp explain` report (plain text).
- `markdown` — hovers and the `amct.explainModel` report (Markdown).
"""
