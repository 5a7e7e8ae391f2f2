"""The allow-list XCom backend for the installed Airflow: ``xcomlint.airflow.backend.AllowListXCom``.

Airflow 3 (with its Task SDK) gets ``airflow3.AllowListXCom``, Airflow 2.10 gets
``airflow2.AllowListXCom``; both may also be named directly.
"""

from __future__ import annotations

from .enforcer import SettingsError, XComAccessDenied

try:
    import airflow.sdk.bases.xcom  # noqa: F401  (the Task SDK: Airflow 3)
except ImportError:
    from .airflow2 import AllowListXCom
else:
    from .airflow3 import AllowListXCom  # type: ignore[assignment]

__all__ = ["AllowListXCom", "SettingsError", "XComAccessDenied"]
