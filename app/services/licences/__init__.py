"""Controlled goods: the licence vault, its review, and the gate every controlled sale
passes (publish, order, award, accept, ship)."""
