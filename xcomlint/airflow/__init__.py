"""Runtime enforcement of the allow-list: an XCom backend for Airflow.

Install with ``pip install "xcomlint[airflow]"`` and select the backend::

    AIRFLOW__CORE__XCOM_BACKEND=xcomlint.airflow.backend.AllowListXCom
    AIRFLOW__XCOMLINT__ALLOWLIST=/path/to/xcomlint-allowlist.yaml
    AIRFLOW__XCOMLINT__MODE=enforce          # or warn, or off

Only ``backend``, ``airflow2`` and ``airflow3`` import Airflow; this package's
``__init__`` and the policy modules do not, so the linter never does.
"""
