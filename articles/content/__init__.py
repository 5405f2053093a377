"""Writing rules every save goes through, below the models: the HTML allow-list
(sanitize), the slug policy (slugs) and tags under both (tagging)."""
