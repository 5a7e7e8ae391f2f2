"""xcomlint: a static linter for Apache Airflow XComs."""

__version__ = "0.1.0"
