"""The households and members ledgers (ledgers.md): the registry of poor households and their people."""

from __future__ import annotations

from fupin.ledgers.definitions.registry.households import HouseholdsLedger
from fupin.ledgers.definitions.registry.members import MembersLedger

__all__ = ["HouseholdsLedger", "MembersLedger"]
