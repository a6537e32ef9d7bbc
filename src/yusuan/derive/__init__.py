"""What is computed from a disclosure for storing and comparing it: headline facts, 比上年 claims,
the unit's code and parent department, spending by 类, and the plain record the store writes.

Below the store and above the checks: it reads the model through the disclosure's template and
imports nothing of the store, cross-year, analytics or web layers.
"""
