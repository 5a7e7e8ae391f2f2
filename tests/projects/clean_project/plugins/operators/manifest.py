"""Writes a manifest of the files under a prefix."""

from airflow.sdk import BaseOperator
from include.constants import MANIFEST_KEY


class ManifestOperator(BaseOperator):
    template_fields = ("prefix",)

    def __init__(self, *, prefix, bucket="sales-lake", **kwargs):
        super().__init__(**kwargs)
        self.prefix = prefix
        self.bucket = bucket

    def execute(self, context):
        uri = f"s3://{self.bucket}/{self.prefix}/_manifest.json"
        context["ti"].xcom_push(key=MANIFEST_KEY, value=uri)
        return 1
