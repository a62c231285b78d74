"""Command-line subcommands: `complete` and `doctor`."""
