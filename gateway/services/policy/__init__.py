"""The policy exchanges of 86号 as use cases: each validates a canonical message, applies the
rules, decides who receives it, and returns what to store - the HTTP edge stores it atomically
with the message's evidence and its deliveries.

    deferrals.py    HR's deferral conclusions → tax and finance (86号-1..3)
    loans.py        loan qualification, asking HR for the facts it holds (86号-16)
    guarantees.py   guarantee reviews and the fund's decisions (86号-16)
    subsidies.py    quarterly interest-subsidy claims and finance's decisions (86号-16)
    recipients.py   which partner of which division receives what
"""
