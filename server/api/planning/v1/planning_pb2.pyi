import datetime

from google.protobuf import duration_pb2 as _duration_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from server.api.planning.v1 import common_pb2 as _common_pb2
from server.api.planning.v1 import round_pb2 as _round_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SessionStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SESSION_STATUS_UNSPECIFIED: _ClassVar[SessionStatus]
    SESSION_STATUS_RUNNING: _ClassVar[SessionStatus]
    SESSION_STATUS_CONVERGED: _ClassVar[SessionStatus]
    SESSION_STATUS_MAX_ROUNDS: _ClassVar[SessionStatus]
    SESSION_STATUS_SETTLED: _ClassVar[SessionStatus]
    SESSION_STATUS_AWAITING_ANSWERS: _ClassVar[SessionStatus]

class CouncilKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COUNCIL_KIND_UNSPECIFIED: _ClassVar[CouncilKind]
    COUNCIL_KIND_CONSUMER: _ClassVar[CouncilKind]
    COUNCIL_KIND_FEDERATION: _ClassVar[CouncilKind]
    COUNCIL_KIND_WORKER: _ClassVar[CouncilKind]

class ItemKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ITEM_KIND_UNSPECIFIED: _ClassVar[ItemKind]
    ITEM_KIND_PRIVATE_GOOD: _ClassVar[ItemKind]
    ITEM_KIND_PUBLIC_GOOD: _ClassVar[ItemKind]
    ITEM_KIND_INTERMEDIATE_GOOD: _ClassVar[ItemKind]
    ITEM_KIND_LABOUR: _ClassVar[ItemKind]
    ITEM_KIND_NATURAL_RESOURCE: _ClassVar[ItemKind]
    ITEM_KIND_PERMIT: _ClassVar[ItemKind]
SESSION_STATUS_UNSPECIFIED: SessionStatus
SESSION_STATUS_RUNNING: SessionStatus
SESSION_STATUS_CONVERGED: SessionStatus
SESSION_STATUS_MAX_ROUNDS: SessionStatus
SESSION_STATUS_SETTLED: SessionStatus
SESSION_STATUS_AWAITING_ANSWERS: SessionStatus
COUNCIL_KIND_UNSPECIFIED: CouncilKind
COUNCIL_KIND_CONSUMER: CouncilKind
COUNCIL_KIND_FEDERATION: CouncilKind
COUNCIL_KIND_WORKER: CouncilKind
ITEM_KIND_UNSPECIFIED: ItemKind
ITEM_KIND_PRIVATE_GOOD: ItemKind
ITEM_KIND_PUBLIC_GOOD: ItemKind
ITEM_KIND_INTERMEDIATE_GOOD: ItemKind
ITEM_KIND_LABOUR: ItemKind
ITEM_KIND_NATURAL_RESOURCE: ItemKind
ITEM_KIND_PERMIT: ItemKind

class Session(_message.Message):
    __slots__ = ("session_id", "economy_id", "rule", "tolerance", "max_rounds", "rule_options", "status", "current_round", "live_councils", "manual_close", "round_timeout", "last_round", "create_time", "last_word", "previous_session_id")
    class RuleOptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    RULE_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    CURRENT_ROUND_FIELD_NUMBER: _ClassVar[int]
    LIVE_COUNCILS_FIELD_NUMBER: _ClassVar[int]
    MANUAL_CLOSE_FIELD_NUMBER: _ClassVar[int]
    ROUND_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    LAST_ROUND_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LAST_WORD_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    economy_id: str
    rule: str
    tolerance: float
    max_rounds: int
    rule_options: _containers.ScalarMap[str, str]
    status: SessionStatus
    current_round: int
    live_councils: _containers.RepeatedScalarFieldContainer[str]
    manual_close: bool
    round_timeout: _duration_pb2.Duration
    last_round: RoundSummary
    create_time: _timestamp_pb2.Timestamp
    last_word: bool
    previous_session_id: str
    def __init__(self, session_id: _Optional[str] = ..., economy_id: _Optional[str] = ..., rule: _Optional[str] = ..., tolerance: _Optional[float] = ..., max_rounds: _Optional[int] = ..., rule_options: _Optional[_Mapping[str, str]] = ..., status: _Optional[_Union[SessionStatus, str]] = ..., current_round: _Optional[int] = ..., live_councils: _Optional[_Iterable[str]] = ..., manual_close: _Optional[bool] = ..., round_timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., last_round: _Optional[_Union[RoundSummary, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., last_word: _Optional[bool] = ..., previous_session_id: _Optional[str] = ...) -> None: ...

class CreateSessionRequest(_message.Message):
    __slots__ = ("economy_id", "rule", "tolerance", "max_rounds", "rule_options", "live_councils", "all_councils_live", "manual_close", "round_timeout", "workplaces_json", "last_word", "previous_session_id")
    class RuleOptionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    TOLERANCE_FIELD_NUMBER: _ClassVar[int]
    MAX_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    RULE_OPTIONS_FIELD_NUMBER: _ClassVar[int]
    LIVE_COUNCILS_FIELD_NUMBER: _ClassVar[int]
    ALL_COUNCILS_LIVE_FIELD_NUMBER: _ClassVar[int]
    MANUAL_CLOSE_FIELD_NUMBER: _ClassVar[int]
    ROUND_TIMEOUT_FIELD_NUMBER: _ClassVar[int]
    WORKPLACES_JSON_FIELD_NUMBER: _ClassVar[int]
    LAST_WORD_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    economy_id: str
    rule: str
    tolerance: float
    max_rounds: int
    rule_options: _containers.ScalarMap[str, str]
    live_councils: _containers.RepeatedScalarFieldContainer[str]
    all_councils_live: bool
    manual_close: bool
    round_timeout: _duration_pb2.Duration
    workplaces_json: str
    last_word: bool
    previous_session_id: str
    def __init__(self, economy_id: _Optional[str] = ..., rule: _Optional[str] = ..., tolerance: _Optional[float] = ..., max_rounds: _Optional[int] = ..., rule_options: _Optional[_Mapping[str, str]] = ..., live_councils: _Optional[_Iterable[str]] = ..., all_councils_live: _Optional[bool] = ..., manual_close: _Optional[bool] = ..., round_timeout: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., workplaces_json: _Optional[str] = ..., last_word: _Optional[bool] = ..., previous_session_id: _Optional[str] = ...) -> None: ...

class CouncilToken(_message.Message):
    __slots__ = ("council_id", "kind", "token")
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    kind: CouncilKind
    token: str
    def __init__(self, council_id: _Optional[str] = ..., kind: _Optional[_Union[CouncilKind, str]] = ..., token: _Optional[str] = ...) -> None: ...

class CreateSessionResponse(_message.Message):
    __slots__ = ("session", "council_tokens")
    SESSION_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_TOKENS_FIELD_NUMBER: _ClassVar[int]
    session: Session
    council_tokens: _containers.RepeatedCompositeFieldContainer[CouncilToken]
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ..., council_tokens: _Optional[_Iterable[_Union[CouncilToken, _Mapping]]] = ...) -> None: ...

class GetSessionRequest(_message.Message):
    __slots__ = ("session_id",)
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    def __init__(self, session_id: _Optional[str] = ...) -> None: ...

class GetSessionResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class ListSessionsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSessionsResponse(_message.Message):
    __slots__ = ("sessions", "next_page_token")
    SESSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    sessions: _containers.RepeatedCompositeFieldContainer[Session]
    next_page_token: str
    def __init__(self, sessions: _Optional[_Iterable[_Union[Session, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class TechniqueActivity(_message.Message):
    __slots__ = ("technique", "activity", "marginal_effort_cost")
    TECHNIQUE_FIELD_NUMBER: _ClassVar[int]
    ACTIVITY_FIELD_NUMBER: _ClassVar[int]
    MARGINAL_EFFORT_COST_FIELD_NUMBER: _ClassVar[int]
    technique: str
    activity: float
    marginal_effort_cost: float
    def __init__(self, technique: _Optional[str] = ..., activity: _Optional[float] = ..., marginal_effort_cost: _Optional[float] = ...) -> None: ...

class ConsumptionProposal(_message.Message):
    __slots__ = ("requests",)
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    requests: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    def __init__(self, requests: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ...) -> None: ...

class ProductionProposal(_message.Message):
    __slots__ = ("activities",)
    ACTIVITIES_FIELD_NUMBER: _ClassVar[int]
    activities: _containers.RepeatedCompositeFieldContainer[TechniqueActivity]
    def __init__(self, activities: _Optional[_Iterable[_Union[TechniqueActivity, _Mapping]]] = ...) -> None: ...

class SubmitProposalRequest(_message.Message):
    __slots__ = ("session_id", "council_id", "round", "consumption", "production")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    CONSUMPTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCTION_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    council_id: str
    round: int
    consumption: ConsumptionProposal
    production: ProductionProposal
    def __init__(self, session_id: _Optional[str] = ..., council_id: _Optional[str] = ..., round: _Optional[int] = ..., consumption: _Optional[_Union[ConsumptionProposal, _Mapping]] = ..., production: _Optional[_Union[ProductionProposal, _Mapping]] = ...) -> None: ...

class SubmitProposalResponse(_message.Message):
    __slots__ = ("round", "replaced", "submitted_count", "live_council_count", "round_closed")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    LIVE_COUNCIL_COUNT_FIELD_NUMBER: _ClassVar[int]
    ROUND_CLOSED_FIELD_NUMBER: _ClassVar[int]
    round: int
    replaced: bool
    submitted_count: int
    live_council_count: int
    round_closed: bool
    def __init__(self, round: _Optional[int] = ..., replaced: _Optional[bool] = ..., submitted_count: _Optional[int] = ..., live_council_count: _Optional[int] = ..., round_closed: _Optional[bool] = ...) -> None: ...

class SubmitProposalsRequest(_message.Message):
    __slots__ = ("session_id", "round", "proposals")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    PROPOSALS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    round: int
    proposals: _containers.RepeatedCompositeFieldContainer[CouncilProposalEntry]
    def __init__(self, session_id: _Optional[str] = ..., round: _Optional[int] = ..., proposals: _Optional[_Iterable[_Union[CouncilProposalEntry, _Mapping]]] = ...) -> None: ...

class CouncilProposalEntry(_message.Message):
    __slots__ = ("council_id", "council_token", "consumption", "production")
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CONSUMPTION_FIELD_NUMBER: _ClassVar[int]
    PRODUCTION_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    council_token: str
    consumption: ConsumptionProposal
    production: ProductionProposal
    def __init__(self, council_id: _Optional[str] = ..., council_token: _Optional[str] = ..., consumption: _Optional[_Union[ConsumptionProposal, _Mapping]] = ..., production: _Optional[_Union[ProductionProposal, _Mapping]] = ...) -> None: ...

class SubmitProposalsResponse(_message.Message):
    __slots__ = ("round", "outcomes", "submitted_count", "live_council_count", "round_closed")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    OUTCOMES_FIELD_NUMBER: _ClassVar[int]
    SUBMITTED_COUNT_FIELD_NUMBER: _ClassVar[int]
    LIVE_COUNCIL_COUNT_FIELD_NUMBER: _ClassVar[int]
    ROUND_CLOSED_FIELD_NUMBER: _ClassVar[int]
    round: int
    outcomes: _containers.RepeatedCompositeFieldContainer[ProposalOutcome]
    submitted_count: int
    live_council_count: int
    round_closed: bool
    def __init__(self, round: _Optional[int] = ..., outcomes: _Optional[_Iterable[_Union[ProposalOutcome, _Mapping]]] = ..., submitted_count: _Optional[int] = ..., live_council_count: _Optional[int] = ..., round_closed: _Optional[bool] = ...) -> None: ...

class ProposalOutcome(_message.Message):
    __slots__ = ("council_id", "code", "message", "replaced")
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    REPLACED_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    code: int
    message: str
    replaced: bool
    def __init__(self, council_id: _Optional[str] = ..., code: _Optional[int] = ..., message: _Optional[str] = ..., replaced: _Optional[bool] = ...) -> None: ...

class CloseRoundRequest(_message.Message):
    __slots__ = ("session_id", "round")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    round: int
    def __init__(self, session_id: _Optional[str] = ..., round: _Optional[int] = ...) -> None: ...

class CloseRoundResponse(_message.Message):
    __slots__ = ("summary", "session")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    SESSION_FIELD_NUMBER: _ClassVar[int]
    summary: RoundSummary
    session: Session
    def __init__(self, summary: _Optional[_Union[RoundSummary, _Mapping]] = ..., session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class RoundSummary(_message.Message):
    __slots__ = ("round", "max_excess", "worst_item", "price_change", "rejected", "lp_termination", "lp_duration", "duration", "status", "ledger_sha256")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    MAX_EXCESS_FIELD_NUMBER: _ClassVar[int]
    WORST_ITEM_FIELD_NUMBER: _ClassVar[int]
    PRICE_CHANGE_FIELD_NUMBER: _ClassVar[int]
    REJECTED_FIELD_NUMBER: _ClassVar[int]
    LP_TERMINATION_FIELD_NUMBER: _ClassVar[int]
    LP_DURATION_FIELD_NUMBER: _ClassVar[int]
    DURATION_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    LEDGER_SHA256_FIELD_NUMBER: _ClassVar[int]
    round: int
    max_excess: float
    worst_item: str
    price_change: float
    rejected: int
    lp_termination: _round_pb2.TerminationCondition
    lp_duration: _duration_pb2.Duration
    duration: _duration_pb2.Duration
    status: SessionStatus
    ledger_sha256: str
    def __init__(self, round: _Optional[int] = ..., max_excess: _Optional[float] = ..., worst_item: _Optional[str] = ..., price_change: _Optional[float] = ..., rejected: _Optional[int] = ..., lp_termination: _Optional[_Union[_round_pb2.TerminationCondition, str]] = ..., lp_duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., duration: _Optional[_Union[datetime.timedelta, _duration_pb2.Duration, _Mapping]] = ..., status: _Optional[_Union[SessionStatus, str]] = ..., ledger_sha256: _Optional[str] = ...) -> None: ...

class CouncilFeedback(_message.Message):
    __slots__ = ("council_id", "kind", "approved", "reason", "benefit_cost_ratio", "budget_use", "budget", "cost", "benefit", "holding_back")
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    APPROVED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    BENEFIT_COST_RATIO_FIELD_NUMBER: _ClassVar[int]
    BUDGET_USE_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    COST_FIELD_NUMBER: _ClassVar[int]
    BENEFIT_FIELD_NUMBER: _ClassVar[int]
    HOLDING_BACK_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    kind: CouncilKind
    approved: bool
    reason: str
    benefit_cost_ratio: float
    budget_use: float
    budget: float
    cost: float
    benefit: float
    holding_back: _containers.RepeatedCompositeFieldContainer[HeldItem]
    def __init__(self, council_id: _Optional[str] = ..., kind: _Optional[_Union[CouncilKind, str]] = ..., approved: _Optional[bool] = ..., reason: _Optional[str] = ..., benefit_cost_ratio: _Optional[float] = ..., budget_use: _Optional[float] = ..., budget: _Optional[float] = ..., cost: _Optional[float] = ..., benefit: _Optional[float] = ..., holding_back: _Optional[_Iterable[_Union[HeldItem, _Mapping]]] = ...) -> None: ...

class HeldItem(_message.Message):
    __slots__ = ("item", "relative_excess", "excess", "part", "expected")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    RELATIVE_EXCESS_FIELD_NUMBER: _ClassVar[int]
    EXCESS_FIELD_NUMBER: _ClassVar[int]
    PART_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_FIELD_NUMBER: _ClassVar[int]
    item: str
    relative_excess: float
    excess: float
    part: float
    expected: float
    def __init__(self, item: _Optional[str] = ..., relative_excess: _Optional[float] = ..., excess: _Optional[float] = ..., part: _Optional[float] = ..., expected: _Optional[float] = ...) -> None: ...

class GetCouncilRequest(_message.Message):
    __slots__ = ("session_id", "council_id")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    council_id: str
    def __init__(self, session_id: _Optional[str] = ..., council_id: _Optional[str] = ...) -> None: ...

class Item(_message.Message):
    __slots__ = ("item_id", "kind", "unit", "pollutant", "federation")
    ITEM_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    POLLUTANT_FIELD_NUMBER: _ClassVar[int]
    FEDERATION_FIELD_NUMBER: _ClassVar[int]
    item_id: str
    kind: ItemKind
    unit: str
    pollutant: str
    federation: str
    def __init__(self, item_id: _Optional[str] = ..., kind: _Optional[_Union[ItemKind, str]] = ..., unit: _Optional[str] = ..., pollutant: _Optional[str] = ..., federation: _Optional[str] = ...) -> None: ...

class Technique(_message.Message):
    __slots__ = ("technique_id", "outputs", "inputs", "primary_inputs", "emissions", "capacity")
    class OutputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class InputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class PrimaryInputsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class EmissionsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    TECHNIQUE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTPUTS_FIELD_NUMBER: _ClassVar[int]
    INPUTS_FIELD_NUMBER: _ClassVar[int]
    PRIMARY_INPUTS_FIELD_NUMBER: _ClassVar[int]
    EMISSIONS_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_FIELD_NUMBER: _ClassVar[int]
    technique_id: str
    outputs: _containers.ScalarMap[str, float]
    inputs: _containers.ScalarMap[str, float]
    primary_inputs: _containers.ScalarMap[str, float]
    emissions: _containers.ScalarMap[str, float]
    capacity: float
    def __init__(self, technique_id: _Optional[str] = ..., outputs: _Optional[_Mapping[str, float]] = ..., inputs: _Optional[_Mapping[str, float]] = ..., primary_inputs: _Optional[_Mapping[str, float]] = ..., emissions: _Optional[_Mapping[str, float]] = ..., capacity: _Optional[float] = ...) -> None: ...

class Council(_message.Message):
    __slots__ = ("council_id", "kind", "name", "federation_chain", "techniques", "effort_cost_share", "members", "effort_rating", "substitution_elasticity", "preferences", "requests", "pollution_caps", "budget", "preferred_caps")
    class PreferencesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class RequestsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class PollutionCapsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    class PreferredCapsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: float
        def __init__(self, key: _Optional[str] = ..., value: _Optional[float] = ...) -> None: ...
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    FEDERATION_CHAIN_FIELD_NUMBER: _ClassVar[int]
    TECHNIQUES_FIELD_NUMBER: _ClassVar[int]
    EFFORT_COST_SHARE_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    EFFORT_RATING_FIELD_NUMBER: _ClassVar[int]
    SUBSTITUTION_ELASTICITY_FIELD_NUMBER: _ClassVar[int]
    PREFERENCES_FIELD_NUMBER: _ClassVar[int]
    REQUESTS_FIELD_NUMBER: _ClassVar[int]
    POLLUTION_CAPS_FIELD_NUMBER: _ClassVar[int]
    BUDGET_FIELD_NUMBER: _ClassVar[int]
    PREFERRED_CAPS_FIELD_NUMBER: _ClassVar[int]
    council_id: str
    kind: CouncilKind
    name: str
    federation_chain: _containers.RepeatedScalarFieldContainer[str]
    techniques: _containers.RepeatedCompositeFieldContainer[Technique]
    effort_cost_share: float
    members: int
    effort_rating: float
    substitution_elasticity: float
    preferences: _containers.ScalarMap[str, float]
    requests: _containers.ScalarMap[str, float]
    pollution_caps: _containers.ScalarMap[str, float]
    budget: float
    preferred_caps: _containers.ScalarMap[str, float]
    def __init__(self, council_id: _Optional[str] = ..., kind: _Optional[_Union[CouncilKind, str]] = ..., name: _Optional[str] = ..., federation_chain: _Optional[_Iterable[str]] = ..., techniques: _Optional[_Iterable[_Union[Technique, _Mapping]]] = ..., effort_cost_share: _Optional[float] = ..., members: _Optional[int] = ..., effort_rating: _Optional[float] = ..., substitution_elasticity: _Optional[float] = ..., preferences: _Optional[_Mapping[str, float]] = ..., requests: _Optional[_Mapping[str, float]] = ..., pollution_caps: _Optional[_Mapping[str, float]] = ..., budget: _Optional[float] = ..., preferred_caps: _Optional[_Mapping[str, float]] = ...) -> None: ...

class GetCouncilResponse(_message.Message):
    __slots__ = ("council", "items")
    COUNCIL_FIELD_NUMBER: _ClassVar[int]
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    council: Council
    items: _containers.RepeatedCompositeFieldContainer[Item]
    def __init__(self, council: _Optional[_Union[Council, _Mapping]] = ..., items: _Optional[_Iterable[_Union[Item, _Mapping]]] = ...) -> None: ...

class GetRoundRequest(_message.Message):
    __slots__ = ("session_id", "round")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    ROUND_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    round: int
    def __init__(self, session_id: _Optional[str] = ..., round: _Optional[int] = ...) -> None: ...

class GetRoundResponse(_message.Message):
    __slots__ = ("round", "closed", "prices", "summary", "feedback", "next_prices")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    CLOSED_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    NEXT_PRICES_FIELD_NUMBER: _ClassVar[int]
    round: int
    closed: bool
    prices: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    summary: RoundSummary
    feedback: _containers.RepeatedCompositeFieldContainer[CouncilFeedback]
    next_prices: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    def __init__(self, round: _Optional[int] = ..., closed: _Optional[bool] = ..., prices: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ..., summary: _Optional[_Union[RoundSummary, _Mapping]] = ..., feedback: _Optional[_Iterable[_Union[CouncilFeedback, _Mapping]]] = ..., next_prices: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ...) -> None: ...

class GetPlanRequest(_message.Message):
    __slots__ = ("session_id", "top")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    TOP_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    top: int
    def __init__(self, session_id: _Optional[str] = ..., top: _Optional[int] = ...) -> None: ...

class GetPlanResponse(_message.Message):
    __slots__ = ("status", "rounds", "plan_json")
    STATUS_FIELD_NUMBER: _ClassVar[int]
    ROUNDS_FIELD_NUMBER: _ClassVar[int]
    PLAN_JSON_FIELD_NUMBER: _ClassVar[int]
    status: SessionStatus
    rounds: int
    plan_json: str
    def __init__(self, status: _Optional[_Union[SessionStatus, str]] = ..., rounds: _Optional[int] = ..., plan_json: _Optional[str] = ...) -> None: ...

class RunSessionRequest(_message.Message):
    __slots__ = ("session_id", "max_rounds")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    MAX_ROUNDS_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    max_rounds: int
    def __init__(self, session_id: _Optional[str] = ..., max_rounds: _Optional[int] = ...) -> None: ...

class RunSessionResponse(_message.Message):
    __slots__ = ("summary",)
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    summary: RoundSummary
    def __init__(self, summary: _Optional[_Union[RoundSummary, _Mapping]] = ...) -> None: ...

class WatchSessionRequest(_message.Message):
    __slots__ = ("session_id", "from_round")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_ROUND_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    from_round: int
    def __init__(self, session_id: _Optional[str] = ..., from_round: _Optional[int] = ...) -> None: ...

class WatchSessionResponse(_message.Message):
    __slots__ = ("summary", "prices", "next_prices", "feedback")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    PRICES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PRICES_FIELD_NUMBER: _ClassVar[int]
    FEEDBACK_FIELD_NUMBER: _ClassVar[int]
    summary: RoundSummary
    prices: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    next_prices: _containers.RepeatedCompositeFieldContainer[_common_pb2.ItemQuantity]
    feedback: _containers.RepeatedCompositeFieldContainer[CouncilFeedback]
    def __init__(self, summary: _Optional[_Union[RoundSummary, _Mapping]] = ..., prices: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ..., next_prices: _Optional[_Iterable[_Union[_common_pb2.ItemQuantity, _Mapping]]] = ..., feedback: _Optional[_Iterable[_Union[CouncilFeedback, _Mapping]]] = ...) -> None: ...

class AnswerLastWordRequest(_message.Message):
    __slots__ = ("session_id", "council_id", "approve")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    COUNCIL_ID_FIELD_NUMBER: _ClassVar[int]
    APPROVE_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    council_id: str
    approve: bool
    def __init__(self, session_id: _Optional[str] = ..., council_id: _Optional[str] = ..., approve: _Optional[bool] = ...) -> None: ...

class AnswerLastWordResponse(_message.Message):
    __slots__ = ("session",)
    SESSION_FIELD_NUMBER: _ClassVar[int]
    session: Session
    def __init__(self, session: _Optional[_Union[Session, _Mapping]] = ...) -> None: ...

class GetLedgerRequest(_message.Message):
    __slots__ = ("session_id", "page_size", "page_token")
    SESSION_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    session_id: str
    page_size: int
    page_token: str
    def __init__(self, session_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class LedgerRecord(_message.Message):
    __slots__ = ("round", "sha256", "previous_sha256", "record_json")
    ROUND_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_SHA256_FIELD_NUMBER: _ClassVar[int]
    RECORD_JSON_FIELD_NUMBER: _ClassVar[int]
    round: int
    sha256: str
    previous_sha256: str
    record_json: str
    def __init__(self, round: _Optional[int] = ..., sha256: _Optional[str] = ..., previous_sha256: _Optional[str] = ..., record_json: _Optional[str] = ...) -> None: ...

class GetLedgerResponse(_message.Message):
    __slots__ = ("records", "next_page_token", "head_sha256")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    HEAD_SHA256_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[LedgerRecord]
    next_page_token: str
    head_sha256: str
    def __init__(self, records: _Optional[_Iterable[_Union[LedgerRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., head_sha256: _Optional[str] = ...) -> None: ...
