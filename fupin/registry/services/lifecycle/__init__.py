"""A household's life in the registry: registration through identification, the procedures and
their steps, exit, relapse and cancellation.

Each write is atomic, permission-checked, leaves a change-log row and, when the household's status
(脱贫属性) changes, a StatusChange row. A refusal raises before anything is written.
"""

from fupin.registry.services.lifecycle.access import (
    EXIT_FROM,
    LEVEL_NAMES,
    MONITORING_KINDS,
    check_may_act,
    exit_failures,
    in_view,
    set_status,
)
from fupin.registry.services.lifecycle.procedure_runs import (
    open_procedure,
    procedure_snapshot,
    procedure_start,
    procedure_step_record,
    procedure_withdraw,
)
from fupin.registry.services.lifecycle.registration import (
    causes_field,
    household_cancel,
    household_create,
    household_register,
    household_relapse,
    other_causes_error,
)

__all__ = [
    "EXIT_FROM",
    "LEVEL_NAMES",
    "MONITORING_KINDS",
    "causes_field",
    "check_may_act",
    "exit_failures",
    "household_cancel",
    "household_create",
    "household_register",
    "household_relapse",
    "in_view",
    "open_procedure",
    "other_causes_error",
    "procedure_snapshot",
    "procedure_start",
    "procedure_step_record",
    "procedure_withdraw",
    "set_status",
]
