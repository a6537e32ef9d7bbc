"""``python -m yusuan``: the command line (``yusuan``)."""

from yusuan.cli import main

main()
