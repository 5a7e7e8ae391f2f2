"""The data platform's thin layer over Airflow: pipelines made of steps."""

from framework.wrapper import Pipeline, Step

__all__ = ["Pipeline", "Step"]
