"""The project layer: a DAG repository's own modules, found and read once.

A DAG file imports the team's own code (helpers under ``include/`` or
``dags/lib/``, operators under ``plugins/``, constants, factories, in-house DAG
frameworks). ``resolution`` finds those modules as Airflow's ``sys.path``
would; ``modules`` parses each one once per process. The model's builder
(``xcomlint.model.project_values``) evaluates what an imported name stands for
from these parsed modules, in place of the ``UNKNOWN`` a single file gives.
Nothing here imports or runs the project's code.
"""

from .resolution import Project, project_for

__all__ = ["Project", "project_for"]
