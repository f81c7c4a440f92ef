"""Configuration of the generated AWS CDK app, one module per concern.

- ``config_model``: the pydantic model (copied verbatim into the bundle as ``stacks/config_model.py``);
- ``config_loader``: parse and validate YAML, ``ConfigError`` naming every bad field (copied as
  ``stacks/config_loader.py``);
- ``config_yaml``: the YAML text the generator writes to ``config/<env>.yaml``.

The mapping from an estimate is :mod:`generators.cdk_from_estimate`.
"""

from generators.cdk_config.config_loader import ConfigError, load_config, parse_config
from generators.cdk_config.config_model import INTERFACE_ENDPOINT_NAMES, CdkConfig
from generators.cdk_config.config_yaml import config_yaml

__all__ = ["INTERFACE_ENDPOINT_NAMES", "CdkConfig", "ConfigError", "config_yaml", "load_config", "parse_config"]
