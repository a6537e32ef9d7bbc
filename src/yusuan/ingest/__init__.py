"""Ingestion: many files of any supported format into the store, in parallel, resumable.

``yusuan ingest PATH...`` (``cli``) lists the files (``discover``), skips contents already stored
(by SHA-256) and reads, checks and stores the rest (``run.ingest``) in worker processes
(``local``) or on a Dask cluster (``dask_engine``), each document in its own transaction
(``worker``), then prints what it did (``summary``).
"""
