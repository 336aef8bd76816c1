"""`amct-lsp.explainModelView` over stdio: the picture the webview shows, and its links to the script."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from lsp_helpers import Session, start_session
from lsprotocol import types

SN = "search_n_quant/search_n_quant_SEARCHN/Identity"
INFER_LINE, INFER_COL = 15, 24  # `    infer_output_name = 'Add:0'` (0-based), where `'Add:0'` starts
SAVE_LINE = 17


async def view(s: Session, *args: Any) -> dict[str, Any]:
    answer = await s.client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="amct-lsp.explainModelView", arguments=list(args))
    )
    assert isinstance(answer, dict), answer
    return answer


async def test_view_of_the_seed(seed: Path) -> None:
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await s.wait_published(uri, 1)
        answer = await view(s, uri)
        assert set(answer) == {"uri", "version", "title", "html", "style", "uses"}
        assert answer["uri"] == uri and answer["version"] == 1 and answer["title"] == "AMCT: case_1_1.pb"
        assert "--vscode-editor-foreground" in answer["style"]

        html = answer["html"]
        assert "http" not in html and "<script" not in html
        (svg_text,) = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
        svg = ET.fromstring(svg_text)
        classes = {
            g.get("data-op"): set(g.get("class", "").split()) for g in svg.iter("g") if g.get("data-op")
        }
        assert {"new", "tail"} <= classes[SN]
        assert "new" in classes["bias_add/BiasAdd"]
        assert "Rules: " in html

        uses = answer["uses"]
        stale = [u for u in uses if u["stale"]]
        assert [(u["start"], u["end"]) for u in stale] == [
            ([INFER_LINE, INFER_COL], [INFER_LINE, INFER_COL + 7])
        ]
        assert "line 16: 'Add:0'" in stale[0]["label"] and "after quantize_model" in stale[0]["label"]
        assert any(u["start"][0] == SAVE_LINE and not u["stale"] for u in uses)
        # Each use is a button of the fragment, named by its index.
        for index, use in enumerate(uses):
            label = use["label"].replace("'", "&#x27;")
            assert f'data-use="{index}">{label}</button>' in html


async def test_view_follows_the_edits(seed: Path) -> None:
    """After the fix the script's string names the new tail: still listed under it, no longer stale."""
    fixed = (seed / "quant_fixed.py").read_text(encoding="utf-8")
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await s.wait_published(uri, 1)
        version = s.replace(uri, fixed)
        await s.wait_published(uri, version)
        answer = await view(s, uri)
        assert answer["version"] == version
        assert answer["uses"] and not any(u["stale"] for u in answer["uses"])
        assert any(SN in u["label"] for u in answer["uses"])


async def test_view_without_a_model_or_document(seed: Path) -> None:
    (seed / "pb_model" / "case_1_1.pb").unlink()
    async with start_session(root=seed) as s:
        uri = s.open(seed / "quant.py")
        await s.wait_published(uri, 1)
        answer = await view(s, uri)
        assert "<svg" not in answer["html"] and "case_1_1.pb" in answer["html"] and answer["uses"] == []

        missing = await view(s, uri.replace("quant.py", "other.py"))
        assert "is not open in the editor" in missing["html"] and missing["version"] is None
