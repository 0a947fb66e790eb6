"""Messages between the two companies of an order, an RFQ or a listing question.

``threads`` opens and finds threads (scoped to the two parties), ``posting`` writes and
reads messages, ``oversight`` is the "report to Corridor" and the operator's audited read,
``digests`` the batched e-mail about unread messages.
"""
