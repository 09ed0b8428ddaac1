"""Reading, checking and compiling a profile: the first stage of the flow.

A profile file (YAML) is read with the position of every key (:mod:`.source`), checked
against the JSON Schema (:mod:`.schema`), structured into frozen spec data (:mod:`.model`,
:mod:`.convert`), checked and compiled (:mod:`.loader`), and becomes a
:class:`~selectlib.Profile` (:mod:`.compiled`) that evaluates applicants; :mod:`.params`
resolves dated parameters and :mod:`.reform` makes changed copies. The public names are
exported by :mod:`selectlib` itself; this package imports nothing when it is imported, so
that its modules can be imported one at a time.
"""
