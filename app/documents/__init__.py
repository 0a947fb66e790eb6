"""Trade documents: data snapshots, bilingual layouts, PDF rendering and the e-invoice XML.

``snapshot`` freezes what a document says; ``render`` turns a snapshot into PDF bytes in a
bounded child process; ``einvoice`` builds the Factur-X XML embedded in invoices. Issuing
(numbers, storage, jobs) lives in ``app.services.documents.issuing``.
"""
