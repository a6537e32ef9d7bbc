"""Synthetic corpora of disclosures for testing at scale (``yusuan synth``).

``units`` names the departments and units, ``states``, ``data``, ``prior`` and ``series``
generate their budget data year after year (``money`` draws and rounds the amounts), ``defects``
injects mistakes with the rules that should find them, ``corpus`` writes the documents with a
manifest and the list of defects.
"""

from yusuan.synth.corpus import Options, Summary, synthesize

__all__ = ["Options", "Summary", "synthesize"]
