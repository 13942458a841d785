import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Economy(_message.Message):
    __slots__ = ("economy_id", "name", "goods", "worker_councils", "consumer_councils", "federations", "document_bytes", "create_time", "economy_json")
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    GOODS_FIELD_NUMBER: _ClassVar[int]
    WORKER_COUNCILS_FIELD_NUMBER: _ClassVar[int]
    CONSUMER_COUNCILS_FIELD_NUMBER: _ClassVar[int]
    FEDERATIONS_FIELD_NUMBER: _ClassVar[int]
    DOCUMENT_BYTES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ECONOMY_JSON_FIELD_NUMBER: _ClassVar[int]
    economy_id: str
    name: str
    goods: int
    worker_councils: int
    consumer_councils: int
    federations: int
    document_bytes: int
    create_time: _timestamp_pb2.Timestamp
    economy_json: str
    def __init__(self, economy_id: _Optional[str] = ..., name: _Optional[str] = ..., goods: _Optional[int] = ..., worker_councils: _Optional[int] = ..., consumer_councils: _Optional[int] = ..., federations: _Optional[int] = ..., document_bytes: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., economy_json: _Optional[str] = ...) -> None: ...

class CreateEconomyRequest(_message.Message):
    __slots__ = ("economy_json",)
    ECONOMY_JSON_FIELD_NUMBER: _ClassVar[int]
    economy_json: str
    def __init__(self, economy_json: _Optional[str] = ...) -> None: ...

class CreateEconomyResponse(_message.Message):
    __slots__ = ("economy",)
    ECONOMY_FIELD_NUMBER: _ClassVar[int]
    economy: Economy
    def __init__(self, economy: _Optional[_Union[Economy, _Mapping]] = ...) -> None: ...

class UploadEconomyRequest(_message.Message):
    __slots__ = ("chunk",)
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    chunk: bytes
    def __init__(self, chunk: _Optional[bytes] = ...) -> None: ...

class UploadEconomyResponse(_message.Message):
    __slots__ = ("economy",)
    ECONOMY_FIELD_NUMBER: _ClassVar[int]
    economy: Economy
    def __init__(self, economy: _Optional[_Union[Economy, _Mapping]] = ...) -> None: ...

class GetEconomyRequest(_message.Message):
    __slots__ = ("economy_id",)
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    economy_id: str
    def __init__(self, economy_id: _Optional[str] = ...) -> None: ...

class GetEconomyResponse(_message.Message):
    __slots__ = ("economy",)
    ECONOMY_FIELD_NUMBER: _ClassVar[int]
    economy: Economy
    def __init__(self, economy: _Optional[_Union[Economy, _Mapping]] = ...) -> None: ...

class ListEconomiesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListEconomiesResponse(_message.Message):
    __slots__ = ("economies", "next_page_token")
    ECONOMIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    economies: _containers.RepeatedCompositeFieldContainer[Economy]
    next_page_token: str
    def __init__(self, economies: _Optional[_Iterable[_Union[Economy, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteEconomyRequest(_message.Message):
    __slots__ = ("economy_id",)
    ECONOMY_ID_FIELD_NUMBER: _ClassVar[int]
    economy_id: str
    def __init__(self, economy_id: _Optional[str] = ...) -> None: ...

class DeleteEconomyResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...
