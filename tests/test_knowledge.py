"""Looking operators up in the shipped knowledge, and the data's provenance."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from xcomlint import knowledge as kb

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "scripts" / "knowledge.lock"
BASH = "airflow.providers.standard.operators.bash.BashOperator"


def test_shipped_data_was_generated_from_the_lock_file() -> None:
    locked = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([\w.\-]+)==(\S+) --hash=sha256:[0-9a-f]{64}$", line)
        if match:
            locked[match.group(1)] = match.group(2)
    data = json.loads(Path(kb.DATA_FILE).read_text())
    assert data["packages"] == locked
    assert locked["apache-airflow"].startswith("2.10.") and locked["apache-airflow-core"].startswith("3.")


def test_exact_names_and_aliases() -> None:
    bash = kb.operator_info(BASH)
    assert bash is not None and bash.qualified == BASH
    assert bash.template_fields == frozenset({"bash_command", "env", "cwd"})
    assert bash.pushes == kb.PUSHES_RETURN and not bash.sensor
    # the Airflow 2 path, deprecated in Airflow 3, is the same operator
    assert kb.operator_info("airflow.operators.bash.BashOperator") == bash
    python = kb.operator_info("airflow.operators.python.PythonOperator")
    assert python.pushes == kb.PUSHES_CALLABLE
    assert python.qualified == "airflow.providers.standard.operators.python.PythonOperator"
    assert kb.operator_info("airflow.providers.standard.operators.python.BranchPythonOperator").extra_keys == (
        "skipmixin_key",)


def test_facts_of_provider_operators() -> None:
    bucket = kb.operator_info("airflow.providers.amazon.aws.operators.s3.S3CreateBucketOperator")
    assert bucket.pushes == kb.PUSHES_NOTHING and bucket.keys_known
    assert {"bucket_name", "aws_conn_id", "region_name"} <= bucket.template_fields
    pipeline = kb.operator_info(
        "airflow.providers.google.cloud.operators.datafusion.CloudDataFusionCreatePipelineOperator")
    assert "pipeline" not in pipeline.template_fields and "pipeline_name" in pipeline.template_fields
    pod = kb.operator_info("airflow.providers.cncf.kubernetes.operators.pod.KubernetesPodOperator")
    assert pod.pushes == kb.PUSHES_OPT_IN and {"pod_name", "pod_namespace"} <= set(pod.extra_keys)
    sensor = kb.operator_info("airflow.providers.amazon.aws.sensors.s3.S3KeySensor")
    assert sensor.sensor and sensor.pushes == kb.PUSHES_NOTHING


def test_hand_written_overrides_extend_generated_facts() -> None:
    trigger = kb.operator_info("airflow.operators.trigger_dagrun.TriggerDagRunOperator")
    assert {"trigger_run_id", "trigger_execution_date_iso", "trigger_logical_date_iso"} <= set(trigger.extra_keys)


def test_hand_written_facts_replace_what_generation_cannot_see() -> None:
    # SmtpHook.send_email_smtp returns None: the generated "return" is only conservative
    assert kb.operator_info("airflow.operators.email.EmailOperator").pushes == kb.PUSHES_NOTHING
    http = kb.operator_info("airflow.providers.http.operators.http.HttpOperator")
    assert kb.operator_info("airflow.providers.http.operators.http.SimpleHttpOperator") == http
    assert kb.operator_info("airflow.operators.http_operator.SimpleHttpOperator") == http


def test_old_paths_fall_back_to_a_unique_class_name() -> None:
    bucket = kb.operator_info("airflow.providers.amazon.aws.operators.s3.S3CreateBucketOperator")
    # the Amazon provider's module before 4.0
    assert "airflow.providers.amazon.aws.operators.s3_bucket.S3CreateBucketOperator" not in kb.knowledge().names
    assert kb.operator_info("airflow.providers.amazon.aws.operators.s3_bucket.S3CreateBucketOperator") == bucket
    # Airflow 2's deprecated module path is in the data itself, as the Airflow 2.10 class
    old = kb.operator_info("airflow.operators.bash_operator.BashOperator")
    assert old.qualified == "airflow.operators.bash.BashOperator"
    assert kb._same_facts(old, kb.operator_info(BASH))


def test_by_name_fallback_refuses_ambiguous_class_names() -> None:
    # Google's and Yandex's DataprocCreateClusterOperator differ: an unknown path names neither
    google = "airflow.providers.google.cloud.operators.dataproc.DataprocCreateClusterOperator"
    yandex = "airflow.providers.yandex.operators.dataproc.DataprocCreateClusterOperator"
    assert kb.operator_info(google) != kb.operator_info(yandex)
    old_path = "airflow.providers.google.cloud.operators.dataproc_old.DataprocCreateClusterOperator"
    assert kb.operator_info(old_path) is None


@pytest.mark.parametrize("name", [
    None, "", "BashOperator", "company.operators.BashOperator", "airflowx.operators.bash.BashOperator",
    "airflow.providers.nowhere.operators.NoSuchOperator",
])
def test_unknown_names(name) -> None:
    assert kb.operator_info(name) is None


def test_task_decorators_of_providers() -> None:
    decorators = kb.task_decorators()
    assert "airflow.providers.docker.decorators.docker.docker_task" in decorators["docker"]
    assert "kubernetes" in decorators and "python" in decorators


def test_import_does_not_read_the_data() -> None:
    code = ("import xcomlint.knowledge as kb, sys; assert kb._KNOWLEDGE is None; "
            "kb.operator_info('airflow.operators.bash.BashOperator'); assert kb._KNOWLEDGE is not None")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_operators_that_pull_keys_named_in_their_arguments(tmp_path: Path) -> None:
    """An operator whose execute pulls XComs (by a key given as an argument)
    consumes what a task pushes under that key: no "pushed, never pulled"."""
    from conftest import settings_for

    from xcomlint.engine import lint_paths

    assert kb.operator_info("airflow.providers.amazon.aws.transfers.google_api_to_s3.GoogleApiToS3Operator").pulls
    assert not kb.operator_info("airflow.providers.amazon.aws.operators.s3.S3CreateBucketOperator").pulls
    source = '''
from airflow.sdk import DAG, task
from airflow.providers.amazon.aws.transfers.google_api_to_s3 import GoogleApiToS3Operator
from airflow.providers.amazon.aws.operators.s3 import S3CreateBucketOperator

@task
def ids(ti=None):
    ti.xcom_push(key="video_ids", value={"id": "a,b"})
    ti.xcom_push(key="unused", value=1)

with DAG("youtube"):
    found = ids()
    load = GoogleApiToS3Operator(
        task_id="load", google_api_service_name="youtube", google_api_service_version="v3",
        google_api_endpoint_path="youtube.videos.list", google_api_endpoint_params={},
        google_api_endpoint_params_via_xcom="video_ids", s3_destination_key="s3://b/k",
    )
    bucket = S3CreateBucketOperator(task_id="bucket", bucket_name="unused")
    found >> load >> bucket
'''
    (tmp_path / "youtube.py").write_text(source)
    never_pulled = [f.message for f in lint_paths([str(tmp_path)], settings_for(["XCL204"])).findings]
    assert len(never_pulled) == 1 and "'unused'" in never_pulled[0], never_pulled


def test_an_old_name_of_a_renamed_class_does_not_judge_its_arguments() -> None:
    # Airflow 1's contrib operator took filter=, templated; the class it became takes request_filter=
    old = kb.operator_info("airflow.contrib.operators.gcp_transfer_operator.GcpTransferServiceOperationsListOperator")
    new = kb.operator_info(
        "airflow.providers.google.cloud.operators.cloud_storage_transfer_service.CloudDataTransferServiceListOperationsOperator")
    assert new.template_fields is not None and "request_filter" in new.template_fields
    assert old.template_fields is None and old.pushes == new.pushes
