from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class ItemQuantity(_message.Message):
    __slots__ = ("item", "quantity")
    ITEM_FIELD_NUMBER: _ClassVar[int]
    QUANTITY_FIELD_NUMBER: _ClassVar[int]
    item: str
    quantity: float
    def __init__(self, item: _Optional[str] = ..., quantity: _Optional[float] = ...) -> None: ...
