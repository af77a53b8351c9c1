"""Parts of the service-desk benchmark (``bench.desk_bench``).

``database`` needs no Django; the other modules import models and must be imported after
``database.configure`` has set the environment and called ``django.setup()``.
"""
