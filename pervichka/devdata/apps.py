from django.apps import AppConfig


class DevdataConfig(AppConfig):
    """Generators of demo and national-scale data (`seed_demo`, `generate_scale`).

    Nothing in production imports this package (an import-linter contract checks it); the
    generators call the apps' pure functions where a rule of the app must hold (the ledger
    posting, the appeal numbering) instead of repeating it.
    """

    name = "pervichka.devdata"
    label = "devdata"
    verbose_name = "Demo and scale data"
