"""Message threads as the ERP reads and writes them (``/api/v1/threads``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from pydantic import Field

from app.models import Message, MessageThread
from app.models.message import ThreadTopic
from app.web.api.contract import QueryModel, RequestModel, ResponseModel, Text


class PageQuery(QueryModel):
    page: str | None = Field(
        None, description="1, 2, ...; anything else reads as the first page.", examples=["2"]
    )


class PostMessage(RequestModel):
    body: Text = Field(description="The message text (files are sent from the pages).")


class MessageFile(ResponseModel):
    name: str
    content_type: str
    bytes: int
    sha256: str
    url: str = Field(description="Where the token may download it.")


class ThreadMessage(ResponseModel):
    id: str
    at: datetime
    edited_at: datetime | None
    author: str
    company: Literal["buyer", "seller"]
    body: str
    files: list[MessageFile]


class ThreadSummary(ResponseModel):
    id: str
    topic: ThreadTopic
    subject: str
    counterparty: str
    last_message_at: datetime | None
    unread: int = Field(description="Messages this token's person has not read.")


class ThreadList(ResponseModel):
    threads: list[ThreadSummary]


class ThreadDetail(ResponseModel):
    id: str
    topic: ThreadTopic
    subject: str
    counterparty: str
    last_message_at: datetime | None
    messages: list[ThreadMessage]


class ThreadRead(ResponseModel):
    id: str
    unread: int


def thread_message(
    thread: MessageThread, message: Message, file_url: Callable[[str], str]
) -> ThreadMessage:
    """``file_url``: an attachment's download address from its stored file's public id."""
    return ThreadMessage(
        id=message.public_id,
        at=message.created_at,
        edited_at=message.edited_at,
        author=message.author_name,
        company="buyer" if message.author_company_id == thread.buyer_id else "seller",
        body=message.body,
        files=[
            MessageFile(
                name=attachment.stored_file.filename,
                content_type=attachment.stored_file.content_type,
                bytes=attachment.stored_file.byte_size,
                sha256=attachment.stored_file.sha256,
                url=file_url(attachment.stored_file.public_id),
            )
            for attachment in message.attachments
        ],
    )
