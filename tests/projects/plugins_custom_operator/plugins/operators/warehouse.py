"""The team's warehouse operators (plugins/ is on sys.path: `from operators.warehouse import ...`)."""

from airflow.sdk import BaseOperator


class WarehouseLoadOperator(BaseOperator):
    """Runs an INSERT ... SELECT into a table and returns the number of rows loaded."""

    template_fields = ("sql",)
    template_ext = (".sql",)

    def __init__(self, *, sql, table, conn_id="warehouse", **kwargs):
        super().__init__(**kwargs)
        self.sql = sql
        self.table = table
        self.conn_id = conn_id

    def execute(self, context):
        self.log.info("loading %s on %s: %s", self.table, self.conn_id, self.sql)
        rows_loaded = 42
        return rows_loaded


class SlackNotifyOperator(BaseOperator):
    """Posts a message to a Slack channel."""

    template_fields = ("message",)

    def __init__(self, *, message, channel="#data-alerts", **kwargs):
        super().__init__(**kwargs)
        self.message = message
        self.channel = channel

    def execute(self, context):
        self.log.info("posting to %s: %s", self.channel, self.message)
