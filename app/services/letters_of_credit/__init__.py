"""Documentary credits: the terms and their amendments (``terms``, ``mt700``), the third
parties' documents (``shipment_documents``), the UCP 600 / ISBP 821 check (``facts`` gathers
the set, ``rules_*`` examine it, ``examination`` runs and records them) and presentations
to the bank with the bank's answer (``presentation``).
"""
