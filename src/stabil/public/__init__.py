"""The public site: the status page, its feeds and JSON, published as files (R10.1)."""
