"""VPC pricing: interface endpoints priced per endpoint per AZ (placeholder until the pricing rewrite lands)."""

INTERFACE_ENDPOINTS: tuple[str, ...] = ("secretsmanager",)
