"""Lever webhooks for a real account: the signature tokens as customers hold them
(``tokens``) and ``webhooks setup``, which registers the relay with Lever and keeps the
tokens Lever returns (``setup``, ``commands``). No Qt, no database.
"""
