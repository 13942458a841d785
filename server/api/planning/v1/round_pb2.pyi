import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from server.api.planning.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TerminationCondition(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TERMINATION_CONDITION_UNSPECIFIED: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_OPTIMAL: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_MAX_TIME_LIMIT: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_ITERATION_LIMIT: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_INTERRUPTED: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_PROVEN_INFEASIBLE: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_UNBOUNDED: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_INFEASIBLE_OR_UNBOUNDED: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_ERROR: _ClassVar[TerminationCondition]
    TERMINATION_CONDITION_UNKNOWN: _ClassVar[TerminationCondition]

class SolutionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SOLUTION_STATUS_UNSPECIFIED: _ClassVar[SolutionStatus]
    SOLUTION_STATUS_OPTIMAL: _ClassVar[SolutionStatus]
    SOLUTION_STATUS_FEASIBLE: _ClassVar[SolutionStatus]
    SOLUTION_STATUS_INFEASIBLE: _ClassVar[SolutionStatus]
    SOLUTION_STATUS_NO_SOLUTION: _ClassVar[SolutionStatus]
TERMINATION_CONDITION_UNSPECIFIED: TerminationCondition
TERMINATION_CONDITION_OPTIMAL: TerminationCondition
TERMINATION_CONDITION_MAX_TIME_LIMIT: TerminationCondition
TERMINATION_CONDITION_ITERATION_LIMIT: TerminationCondition
TERMINATION_CONDITION_INTERRUPTED: TerminationCondition
TERMINATION_CONDITION_PROVEN_INFEASIBLE: TerminationCondition
TERMINATION_CONDITION_UNBOUNDED: TerminationCondition
TERMINATION_CONDITION_INFEASIBLE_OR_UNBOUNDED: TerminationCondition
TERMINATION_CONDITION_ERROR: TerminationCondition
TERMINATION_CONDITION_UNKNOWN: TerminationCondition
SOLUTION_STATUS_UNSPECIFIED: SolutionStatus
SOLUTION_STATUS_OPTIMAL: SolutionStatus
SOLUTION_STATUS_FEASIBLE: SolutionStatus
SOLUTION_STATUS_INFEASIBLE: SolutionStatus
SOLUTION_STATUS_NO_SOLUTION: SolutionStatus

class CouncilRequests(_message.Message):
    __slots__ = ("council_id", "quantities")
    class QuantitiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    QUANTITIES_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    quantities: _containers.ScalarMap[str, float]
    def __init__(self, council_id: _Optional[str] = ..., quantities: _Optional[_Mapping[str, float]] = ...) -> None: ...

class SolveRoundRequest(_message.Message):
    __slots__ = ("economy_id", "economy_json", "requests", "activities", "method", "hard")
    class ActivitiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    ECONOMY_JSON_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    HARD_FIELD_NUMBER: _ClassVar[int]
    economy_id: str
    economy_json: str
    requests: _containers.RepeatedCompositeFieldContainer[CouncilRequests]
    activities: _containers.ScalarMap[str, float]
    method: str
    hard: bool
    def __init__(self, economy_id: _Optional[str] = ..., economy_json: _Optional[str] = ..., requests: _Optional[_Iterable[_Union[CouncilRequests, _Mapping]]] = ..., activities: _Optional[_Mapping[str, float]] = ..., method: _Optional[str] = ..., hard: _Optional[bool] = ...) -> None: ...

class PollutionPrice(_message.Message):
    __slots__ = ("federation", "pollutant", "price")
    FEDERATION_FIELD_NUMBER: _ClassVar[int]
    POLLUTANT_FIELD_NUMBER: _ClassVar[int]
    PRICE_FIELD_NUMBER: _ClassVar[int]
    federation: str
    pollutant: str
    price: float
    def __init__(self, federation: _Optional[str] = ..., pollutant: _Optional[str] = ..., price: _Optional[float] = ...) -> None: ...

class Shortfall(_message.Message):
    __slots__ = ("good", "required", "missing")
    GOOD_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_FIELD_NUMBER: _ClassVar[int]
    MISSING_FIELD_NUMBER: _ClassVar[int]
    good: str
    required: float
    missing: float
    def __init__(self, good: _Optional[str] = ..., required: _Optional[float] = ..., missing: _Optional[float] = ...) -> None: ...

class SolveRoundResponse(_message.Message):
    __slots__ = ("termination", "solution_status", "objective", "solve_duration", "feasible", "good_prices", "primary_input_rents", "pollution_prices", "activities", "shortfalls", "result_json")
    class ActivitiesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    TERMINATION_FIELD_NUMBER: _ClassVar[int]
    SOLUTION_STATUS_FIELD_NUMBER: _ClassVar[int]
    OBJECTIVE_FIELD_NUMBER: _ClassVar[int]
    SOLVE_DURATION_FIELD_NUMBER: _ClassVar[int]
    FEASIBLE_FIELD_NUMBER: _ClassVar[int]
    GOOD_PRICES_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_INPUT_RENTS_FIELD_NUMBER: _ClassVar[int]
    POLLUTION_PRICES_FIELD_NUMBER: _ClassVar[int]
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    SHORTFALLS_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    termination: TerminationCondition
    solution_status: SolutionStatus
    objective: float
    solve_duration: _duration_pb2.Duration
    feasible: bool
    good_prices: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    primary_input_rents: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    pollution_prices: _containers.RepeatedCompositeFieldContainer[PollutionPrice]
    activities: _containers.ScalarMap[str, float]
    shortfalls: _containers.RepeatedCompositeFieldContainer[Shortfall]
    result_json: str
    def __init__(self, termination: _Optional[_Union[TerminationCondition, str]] = ..., solution_status: _Optional[_Union[SolutionStatus, str]] = ..., objective: _Optional[float] = ..., solve_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., feasible: _Optional[bool] = ..., good_prices: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ..., primary_input_rents: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ..., pollution_prices: _Optional[_Iterable[_Union[PollutionPrice, _Mapping]]] = ..., activities: _Optional[_Mapping[str, float]] = ..., shortfalls: _Optional[_Iterable[_Union[Shortfall, _Mapping]]] = ..., result_json: _Optional[str] = ...) -> None: ...
