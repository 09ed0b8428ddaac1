"""Deciding eligibility: typed columns from raw input, one record with a trace, a whole
table at once, the decisions, and derived inputs that features (such as geo) compute.

:mod:`.coerce` and :mod:`.columns` turn raw values into typed values and columns,
:mod:`.engine` decides one record, :mod:`.batch` a whole table, :mod:`.decision` holds the
results, :mod:`.serialize` turns them into JSON, :mod:`.derive` is the registry through
which a feature fills an input (a cluster count from a firm registry).
"""
