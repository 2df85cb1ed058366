"""What tests share: fixtures, seeds and waits (``from helpers.waiting import wait_until``).

``tests/`` is on ``sys.path`` (pytest puts the root conftest's directory there; the benches
insert it), so this package imports as ``helpers``.
"""
