from airflow.models.baseoperator import BaseOperator


class ArchiveOperator(BaseOperator):
    template_fields = ("source",)

    def __init__(self, source, target="archive", **kwargs):
        super().__init__(**kwargs)
        self.source = source
        self.target = target

    def execute(self, context):
        context["ti"].xcom_push(key="archived", value=self.target)
        return self.source
