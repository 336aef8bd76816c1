"""`python -m amct_lsp` is the same as the `amct-lsp` console script.

`-m` puts the working directory first on `sys.path`, and editors start servers in the project
folder: drop that entry before anything else is imported lazily, so a project's `json.py` cannot
shadow the standard library mid-run. (The package itself was found by then; the VS Code client
never starts us from the workspace at all.)
"""

import os
import sys

if not getattr(sys.flags, "safe_path", False) and sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from amct_lsp.cli import main

raise SystemExit(main())
