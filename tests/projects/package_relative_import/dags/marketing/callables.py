"""python_callables of the campaign DAG."""

from .utils import budget_table, pull_config


def fetch_config():
    return {"schema": "marketing", "channels": ["search", "social"]}


def load_campaigns(ti):
    config = pull_config(ti)
    print(f"loading campaigns for {config['channels']}")


def load_budgets(ti):
    config = pull_config(ti)
    print(f"loading {budget_table(config)}")
