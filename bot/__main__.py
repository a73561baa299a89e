"""`python -m bot` is the `nudgebot` command."""

from bot.cli import main

main()
