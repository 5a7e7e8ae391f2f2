from enum import Enum

EXTRACT = "extract"
KEY = "s3_path"


class Step(str, Enum):
    LOAD = "load"
    REPORT = "report"
