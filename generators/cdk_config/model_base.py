"""What every part of the generated CDK app's config model shares: the strict base and the Kubernetes name rules.

Copied verbatim into every generated bundle as ``cdk/stacks/model_base.py`` beside ``config_model.py`` (the other
model modules import it relatively); it imports nothing but pydantic.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

#: A Kubernetes namespace (an RFC 1123 label).
NAMESPACE_PATTERN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
#: A Kubernetes service account name (an RFC 1123 subdomain).
SERVICE_ACCOUNT_PATTERN = r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$"


class StrictModel(BaseModel):
    """Strict, immutable base: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=False)
