"""EC2 instance shapes (hardware facts, kept apart from prices) and EKS node allocatable maths."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class InstanceShape:
    """Published size of an instance type plus its VPC CNI network limits."""

    name: str
    vcpu: int
    memory_gib: int
    enis: int                 # max network interfaces (network card 0); docs/sizing-facts.md § Node allocatable and max pods [S3]
    ipv4_per_eni: int         # IPv4 addresses per ENI; docs/sizing-facts.md § Node allocatable and max pods [S3]
    arch: str                 # x86_64 | arm64
    burst_baseline_pct: float | None = None   # per-vCPU baseline of burstable types; docs/sizing-facts.md § Burstable t3 credits [S15]

    @property
    def family(self) -> str:
        return self.name.split(".")[0]

    @property
    def max_pods(self) -> int:
        """VPC CNI secondary-IP mode: ENIs x (IPv4 per ENI - 1) + 2; docs/sizing-facts.md § Node allocatable and max pods [S1]."""
        return self.enis * (self.ipv4_per_eni - 1) + 2

    @property
    def kube_reserved_cpu_m(self) -> int:
        """EKS AMI kube-reserved CPU: 6% / 1% / 0.5% / 0.25% of cores by range; docs/sizing-facts.md § Node allocatable and max pods [S2]."""
        total = self.vcpu * 1000
        bounds = (0, 1000, 2000, 4000, total)
        rates = (600, 100, 50, 25)  # per 10,000 of the millicores in each range
        reserved = 0
        for i, rate in enumerate(rates):
            lo, hi = bounds[i], min(bounds[i + 1], total)
            if hi > lo:
                reserved += (hi - lo) * rate // 10000
        return reserved

    @property
    def kube_reserved_memory_mi(self) -> int:
        """EKS AMI kube-reserved memory = 11 x maxPods + 255 MiB; docs/sizing-facts.md § Node allocatable and max pods [S2]."""
        return 11 * self.max_pods + 255

    @property
    def allocatable_cpu_m(self) -> int:
        """Capacity - kube-reserved (no systemReserved on the EKS AMI); docs/sizing-facts.md § Node allocatable and max pods [S2][S8]."""
        return self.vcpu * 1000 - self.kube_reserved_cpu_m

    @property
    def allocatable_memory_mi(self) -> int:
        """Nominal GiB x 1024 - kube-reserved - evictionHard 100Mi; docs/sizing-facts.md § Node allocatable and max pods [S2][S8]."""
        return self.memory_gib * 1024 - self.kube_reserved_memory_mi - EVICTION_HARD_MEMORY_MI


EVICTION_HARD_MEMORY_MI = 100  # evictionHard memory.available; docs/sizing-facts.md § Node allocatable and max pods [S2]

_SIZES = {"medium": (2, 3, 6), "large": (2, 3, 10), "xlarge": (4, 4, 15), "2xlarge": (8, 4, 15)}
_MEMORY_PER_VCPU = {"t": 2, "m": 4, "c": 2, "r": 8}   # GiB per vCPU of the standard families (published specs)
_T_LIMITS = {"medium": (3, 6), "large": (3, 12), "xlarge": (4, 15)}   # t3/t3a ENI limits; docs/sizing-facts.md § Node allocatable and max pods [S3]
_T_BASELINE = {"medium": 20.0, "large": 30.0, "xlarge": 40.0}        # docs/sizing-facts.md § Burstable t3 credits [S15]


def _shape(name: str) -> InstanceShape:
    family, size = name.split(".")
    vcpu, enis, ips = _SIZES[size]
    arch = "arm64" if family.endswith("g") else "x86_64"
    if family.startswith("t"):
        enis, ips = _T_LIMITS[size]
        memory = {"medium": 4, "large": 8, "xlarge": 16}[size]
        return InstanceShape(name=name, vcpu=vcpu, memory_gib=memory, enis=enis, ipv4_per_eni=ips, arch=arch,
                             burst_baseline_pct=_T_BASELINE[size])
    return InstanceShape(name=name, vcpu=vcpu, memory_gib=vcpu * _MEMORY_PER_VCPU[family[0]], enis=enis,
                         ipv4_per_eni=ips, arch=arch)


_TYPES = (
    "t3.medium t3.large t3.xlarge t3a.medium t3a.large t3a.xlarge "
    "m5.large m5.xlarge m5.2xlarge m6i.large m6i.xlarge m6i.2xlarge m7i.large m7i.xlarge m7i.2xlarge "
    "c5.large c5.xlarge c5.2xlarge c6i.large c6i.xlarge c6i.2xlarge c7i.large c7i.xlarge c7i.2xlarge "
    "r6i.large r6i.xlarge r6i.2xlarge m6g.large m6g.xlarge m6g.2xlarge m7g.large m7g.xlarge m7g.2xlarge "
    "c6g.large c6g.xlarge c6g.2xlarge c7g.large c7g.xlarge c7g.2xlarge"
).split()

INSTANCE_SHAPES: dict[str, InstanceShape] = {n: _shape(n) for n in _TYPES}


def alternative_families(instance_type: str) -> tuple[str, ...]:
    """The plan type's family first, then the other known families of the same class letter and architecture
    (t3 -> t3a; m5 -> m6i, m7i; c6g -> c7g): same vCPU/memory ratio, so the pods pack alike. Karpenter may launch
    any of them (docs/sizing-model.md § Node provisioner)."""
    own = INSTANCE_SHAPES[instance_type]
    fams = [own.family]
    for sh in INSTANCE_SHAPES.values():
        if sh.family not in fams and sh.family[0] == own.family[0] and sh.arch == own.arch:
            fams.append(sh.family)
    return tuple(fams)
