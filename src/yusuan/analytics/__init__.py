"""Analytics over the store: comparisons across units (``compare``), one unit across years
(``trend``), tidy exports (``export``). Query functions take a reading session and return typed
rows with amounts in 元."""
