"""XCom keys of the sales pipelines."""

SALES_PATH_KEY = "sales_path"
MANIFEST_KEY = "manifest_uri"
