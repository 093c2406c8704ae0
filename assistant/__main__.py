"""`python -m assistant` runs the `candor` command line."""

from assistant.cli import main

main()
