"""Claims (trade assurance): the window after delivery, filing, the seller's answer, the
clocks, inspection, the operator's decision, settlement in the books, the claim's record."""
