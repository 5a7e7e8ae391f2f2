from framework.pipeline import Pipeline, Step

__all__ = ["Pipeline", "Step"]
