"""Policy domain: the rules of 内人社办发〔2022〕86号 that the gateway applies itself.

Pure, framework-free code (no HTTP, no database):

- ``calendar``       Chinese official working days, for the "7 working days" deadline (86号-1..3)
- ``calendar_file``  the operator file that adds or replaces calendar years
- ``industries``     industries, enterprise size classes and insurance types used by deferral
- ``deferral``       the latest deferral end per insurance type, and violations (86号-1..3)
- ``conclusion``     checks on HR's determination conclusion: reason, periods, due date
- ``borrowers``      borrower groups, loan types, counter-guarantee exemption grounds (86号-16)
- ``rulesets``       loading, validating and selecting versioned loan rule sets (``rules/*.yaml``)
- ``loan_facts``     the loan engine's inputs (request, HR findings) and its decision
- ``loans``          the loan-qualification engine (86号-16)
- ``findings``       ``Finding``: a policy violation or notice with reason slug and citation
- ``errors``         ``PolicyDataInvalid``, ``CalendarYearUnknown``, ``NoRuleSetEffective``

Money is integer fen (1 CNY = 100 fen) everywhere: no float ever touches an amount.
Policy violations are returned as ``Finding`` values, never raised; exceptions are kept for
bad input (``InvalidInput``), bad operator data (``PolicyDataInvalid``) and missing reference
data (``CalendarYearUnknown``, ``NoRuleSetEffective``).
"""
