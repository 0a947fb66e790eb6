"""Requests for quotation, quotes with revisions and counter-offers, and the award.

- ``states``: the transition tables of RFQs and quote revisions and the one function each
  that moves them (history and audit included).
- ``requests``: the buyer's RFQ (create, send, close, cancel) and its attachments.
- ``quotes``: the seller's revisions, the buyer's counters, the canonical terms and hash.
- ``award``: accepting a revision places the order from a frozen snapshot of it.
- ``expiry``: the clock (a job) that expires revisions and RFQs.
- ``queries``: lists and pages, scoped by company.
"""
