"""Budget data: the primary figures of a unit, and the disclosure derived from them."""
