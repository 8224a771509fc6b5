"""`python -m wildpress` runs the command line."""

from .cli import main

main()
