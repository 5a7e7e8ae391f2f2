"""Helpers the marketing callables share."""


def pull_config(ti):
    return ti.xcom_pull(task_ids="fetch_config")


def budget_table(config):
    return f"{config['schema']}.budgets"
