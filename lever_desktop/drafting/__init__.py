"""Drafting feedback with a model: transcript + template (+ cached context) -> a draft@1 document.

Qt-free, like the rest of the core. ``transcript`` reads interview transcripts into one shape;
the providers, the tool schema built from a template and the evidence check live beside it.
"""
