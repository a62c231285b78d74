"""``python -m deepseek_lsp.testing.fake --port N``: the fake DeepSeek server on loopback."""

import sys

from deepseek_lsp.testing.fake.server import main

sys.exit(main())
