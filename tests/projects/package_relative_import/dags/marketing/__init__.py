"""The marketing team's callables, imported by its DAGs as `marketing.<module>`."""
