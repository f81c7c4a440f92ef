"""AWS Secrets Manager: the app's secrets and the calls that read them."""
from __future__ import annotations

from decimal import Decimal

from pricing.services.base import (
    ONE,
    BillLine,
    BillRule,
    Component,
    Priced,
    PriceKey,
    PriceOptions,
    Refresh,
    Service,
    qty,
)
from sizing.capacity import CapacityPlan

CE = "AWS Secrets Manager"
SECRETS, CALLS = "secretsmanager:secret-month", "secretsmanager:api-requests-10k"


def secrets(p: CapacityPlan, o: PriceOptions) -> list[Component]:
    sec = p.security
    return [Component("Secrets Manager", f"Secrets ({', '.join(sec.secrets)})", qty(len(sec.secrets)), "secrets",
                      SECRETS),
            Component("Secrets Manager", "API calls", qty(sec.secret_api_calls_month / 1e4), "10k calls", CALLS)]


_SM = (CE,)
SERVICE = Service(
    name="secretsmanager", title="AWS Secrets Manager", ce=CE, product_code="AWSSecretsManager",
    keys=(
        PriceKey(key=SECRETS, unit="USD per secret-month", ce=CE,
                 refresh=Refresh(service_code="AWSSecretsManager", usagetypes=("AWSSecretsManager-Secrets",),
                                 units={"secrets": ONE, "secret-mo": ONE})),
        PriceKey(key=CALLS, unit="USD per 10,000 API calls", ce=CE,
                 refresh=Refresh(service_code="AWSSecretsManager",
                                 usagetypes=("AWSSecretsManager-APIRequest", "AWSSecretsManager-APIRequests"),
                                 units={"api requests": Decimal(10_000), "requests": Decimal(10_000)})),
    ),
    bill_lines=(
        BillLine(id=SECRETS, rules=(BillRule(usage=r"Secrets?$", services=_SM),),
                 over="more secrets than planned: secrets created by hand or per environment",
                 under="fewer secrets than planned"),
        BillLine(id=CALLS, rules=(BillRule(usage=r"APIRequest", services=_SM, per_unit=Decimal("0.0001")),),
                 over="more Secrets Manager calls than planned: pods read secrets on every request instead of caching",
                 under="fewer Secrets Manager calls than planned"),
    ),
    components=(Priced(order=110, fn=secrets),),
)
