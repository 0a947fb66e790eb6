"""The API's request and response models, one module per resource (``orders.py``...).

Each model is declared once here and used three ways: ``@operation`` validates requests
with it, views build their answers as its instances, and ``/api/v1/openapi.json`` is
generated from it. Models carry no behaviour beyond building themselves from the ORM.
"""
