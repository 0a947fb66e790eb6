"""The parties' moves on an order, which reach into payments and documents as well.

Accepting creates the payment milestones and issues the proforma invoice; shipping issues
the commercial invoice and packing list and makes the balance due; confirming delivery may
complete the order. The order's own state machine (``services.orders.lifecycle``) sits
below payments and documents; these moves sit above all three.
"""
