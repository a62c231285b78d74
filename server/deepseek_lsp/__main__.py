"""`python -m deepseek_lsp` is the same program as the `deepseek-lsp` command."""

from deepseek_lsp.cli import main

raise SystemExit(main())
