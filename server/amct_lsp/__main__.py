"""`python -m amct_lsp` is the same as the `amct-lsp` console script."""

from amct_lsp.cli import main

raise SystemExit(main())
