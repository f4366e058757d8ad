"""Policy domain: the rules of 内人社办发〔2022〕86号 that the gateway applies itself.

Pure, framework-free code (no HTTP, no database):

- ``calendar``     Chinese official working days, for the "7 working days" deadline (86号-1..3)
- ``industries``   industries, enterprise size classes and insurance types used by deferral
- ``borrowers``    borrower groups, loan types and counter-guarantee exemption grounds (86号-16)
- ``deferral``     maximum deferral end per insurance type, and checks on HR conclusions (86号-1..3)
- ``rulesets``     loading and validating versioned loan rule sets (``rules/*.yaml``)
- ``loans``        the loan-qualification engine (86号-16)

Money is integer fen (1 CNY = 100 fen) everywhere: no float ever touches an amount.
Policy violations are returned as ``Finding`` values, never raised; exceptions are kept for
bad input (``InvalidInput``), bad operator data (``PolicyDataInvalid``) and missing reference
data (``CalendarYearUnknown``, ``NoRuleSetEffective``).
"""
