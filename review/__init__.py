"""Monthly cost review: actual spend (Cost Explorer, CUR 2.0, console CSV) against the estimate."""
