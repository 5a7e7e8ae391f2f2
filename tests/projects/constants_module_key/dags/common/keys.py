"""XCom keys shared by the ingestion DAGs: one place to spell them."""

S3_KEY = "s3_path"
ROW_COUNT_KEY = "row_count"
