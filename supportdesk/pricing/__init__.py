"""Pricing: the price list as data and the calculator (issue 13), pure Python, no Django.

``pricelist`` parses a price list (plans with slab-priced users and servers, fault
tolerance, add-ons with their units), ``vat`` resolves the rate by the service period,
``calculator`` prices one set of inputs line by line, ``money`` rounds. The ``billing``
app stores price lists and calls this package; it never computes a figure itself.
"""
