from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class BalanceStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    BALANCE_STATUS_UNSPECIFIED: _ClassVar[BalanceStatus]
    BALANCE_STATUS_BALANCED: _ClassVar[BalanceStatus]
    BALANCE_STATUS_UNBALANCED: _ClassVar[BalanceStatus]
    BALANCE_STATUS_INFEASIBLE: _ClassVar[BalanceStatus]
BALANCE_STATUS_UNSPECIFIED: BalanceStatus
BALANCE_STATUS_BALANCED: BalanceStatus
BALANCE_STATUS_UNBALANCED: BalanceStatus
BALANCE_STATUS_INFEASIBLE: BalanceStatus

class WorkplaceBalance(_message.Message):
    __slots__ = ("workplace_id", "status", "largest_deviation", "empowerment_gini_before", "empowerment_gini_after", "reasons")
    WORKPLACE_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LARGEST_DEVIATION_FIELD_NUMBER: _ClassVar[int]
    EMPOWERMENT_GINI_BEFORE_FIELD_NUMBER: _ClassVar[int]
    EMPOWERMENT_GINI_AFTER_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    workplace_id: str
    status: BalanceStatus
    largest_deviation: float
    empowerment_gini_before: float
    empowerment_gini_after: float
    reasons: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, workplace_id: _Optional[str] = ..., status: _Optional[_Union[BalanceStatus, str]] = ..., largest_deviation: _Optional[float] = ..., empowerment_gini_before: _Optional[float] = ..., empowerment_gini_after: _Optional[float] = ..., reasons: _Optional[_Iterable[str]] = ...) -> None: ...

class BalanceWorkplaceRequest(_message.Message):
    __slots__ = ("workplaces_json", "workplace_id", "tolerance")
    WORKPLACES_JSON_FIELD_NUMBER: _ClassVar[int]
    WORKPLACE_ID_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    workplaces_json: str
    workplace_id: str
    tolerance: float
    def __init__(self, workplaces_json: _Optional[str] = ..., workplace_id: _Optional[str] = ..., tolerance: _Optional[float] = ...) -> None: ...

class BalanceWorkplaceResponse(_message.Message):
    __slots__ = ("balance", "result_json")
    BALANCE_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    balance: WorkplaceBalance
    result_json: str
    def __init__(self, balance: _Optional[_Union[WorkplaceBalance, _Mapping]] = ..., result_json: _Optional[str] = ...) -> None: ...

class BalanceSocietyRequest(_message.Message):
    __slots__ = ("workplaces_json", "tolerance", "partners")
    WORKPLACES_JSON_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    PARTNERS_FIELD_NUMBER: _ClassVar[int]
    workplaces_json: str
    tolerance: float
    partners: int
    def __init__(self, workplaces_json: _Optional[str] = ..., tolerance: _Optional[float] = ..., partners: _Optional[int] = ...) -> None: ...

class BalanceSocietyResponse(_message.Message):
    __slots__ = ("workplaces", "largest_deviation", "largest_deviation_alone", "away_hours", "result_json")
    WORKPLACES_FIELD_NUMBER: _ClassVar[int]
    LARGEST_DEVIATION_FIELD_NUMBER: _ClassVar[int]
    LARGEST_DEVIATION_ALONE_FIELD_NUMBER: _ClassVar[int]
    AWAY_HOURS_FIELD_NUMBER: _ClassVar[int]
    RESULT_JSON_FIELD_NUMBER: _ClassVar[int]
    workplaces: _containers.RepeatedCompositeFieldContainer[WorkplaceBalance]
    largest_deviation: float
    largest_deviation_alone: float
    away_hours: float
    result_json: str
    def __init__(self, workplaces: _Optional[_Iterable[_Union[WorkplaceBalance, _Mapping]]] = ..., largest_deviation: _Optional[float] = ..., largest_deviation_alone: _Optional[float] = ..., away_hours: _Optional[float] = ..., result_json: _Optional[str] = ...) -> None: ...

class GetRatingsRequest(_message.Message):
    __slots__ = ("workplaces_json", "economy_id", "tolerance")
    WORKPLACES_JSON_FIELD_NUMBER: _ClassVar[int]
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    workplaces_json: str
    economy_id: str
    tolerance: float
    def __init__(self, workplaces_json: _Optional[str] = ..., economy_id: _Optional[str] = ..., tolerance: _Optional[float] = ...) -> None: ...

class GetRatingsResponse(_message.Message):
    __slots__ = ("ratings", "member_budgets")
    class RatingsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class MemberBudgetsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    RATINGS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_BUDGETS_FIELD_NUMBER: _ClassVar[int]
    ratings: _containers.ScalarMap[str, float]
    member_budgets: _containers.ScalarMap[str, float]
    def __init__(self, ratings: _Optional[_Mapping[str, float]] = ..., member_budgets: _Optional[_Mapping[str, float]] = ...) -> None: ...
