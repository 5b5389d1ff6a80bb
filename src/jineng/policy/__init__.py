"""Pure-Python policy core: no Django import anywhere in this package (a test enforces it).

Rules are functions over plain dataclasses and a :class:`~jineng.policy.profiles.Profile`; they return
:class:`~jineng.policy.violations.Violation` values that name the rule ID and the clause.
"""
