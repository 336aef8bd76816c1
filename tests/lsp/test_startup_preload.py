"""The server imports at start-up (`cli.preload`) all the Python it needs for its first diagnostics.

What `preload` imports is built with the garbage collector paused and from the start-up code cache; a module
imported later, on the first `didOpen`, pays full price on the user's first keystroke.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from support.jsonrpc import RawClient

WRAPPER = """
import json, sys
from amct_lsp import cli
preloaded = set()
real_preload = cli.preload
def preload(command):
    real_preload(command)
    preloaded.update(sys.modules)
cli.preload = preload
code = cli.main(["serve", "--log-level", "error"])
with open(sys.argv[1], "w") as out:
    json.dump(sorted(set(sys.modules) - preloaded), out)
sys.exit(code)
"""

#: Imported on first use by the libraries themselves: a C extension and a small pygls helper.
LATE_ALLOWED = {"libcst.native", "pygls.progress"}


async def test_first_diagnostics_import_nothing_preload_missed(seed: Path, tmp_path: Path) -> None:
    report = tmp_path / "late.json"
    raw = await RawClient.spawn([sys.executable, "-c", WRAPPER, str(report)])
    capabilities = {"workspace": {"configuration": True}, "textDocument": {"publishDiagnostics": {}}}
    answer = await raw.initialize(seed.as_uri(), capabilities, timeout=30)
    assert "result" in answer, answer
    script = seed / "quant.py"
    raw.open_document(script.as_uri(), script.read_text(encoding="utf-8"))
    await raw.wait_published(script.as_uri(), 1)
    await raw.close()
    late = set(json.loads(report.read_text()))
    assert late - LATE_ALLOWED == set()
