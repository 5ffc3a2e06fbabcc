"""``python -m raft``: the same as the ``raft-sim`` command."""

from raft.cli import entry

if __name__ == "__main__":
    entry()
