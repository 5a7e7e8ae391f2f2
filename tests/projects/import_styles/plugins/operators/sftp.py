"""Uploads to partners' SFTP servers."""

from airflow.sdk import BaseOperator


class SftpUploadOperator(BaseOperator):
    template_fields = ("remote_path",)

    def __init__(self, *, remote_path, sftp_conn_id="partner_sftp", **kwargs):
        super().__init__(**kwargs)
        self.remote_path = remote_path
        self.sftp_conn_id = sftp_conn_id

    def execute(self, context):
        self.log.info("uploading to %s on %s", self.remote_path, self.sftp_conn_id)
        return self.remote_path


class PartnerUploadOperator(SftpUploadOperator):
    """Uploads a local file; what to upload is templated too, the archive location is not."""

    template_fields = (*SftpUploadOperator.template_fields, "local_path")

    def __init__(self, *, local_path, archive_to=None, **kwargs):
        super().__init__(**kwargs)
        self.local_path = local_path
        self.archive_to = archive_to

    def execute(self, context):
        self.log.info("sending %s, archiving to %s", self.local_path, self.archive_to)
        return super().execute(context)
