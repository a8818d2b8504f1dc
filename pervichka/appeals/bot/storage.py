"""aiogram's FSM state kept in the database (appeals.BotConversation): any application node
or the polling worker goes on with a conversation where the last update left it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import BaseStorage, StateType, StorageKey
from asgiref.sync import sync_to_async

from pervichka.appeals.models import BotConversation


def _load(chat_id: int) -> BotConversation:
    conversation, _new = BotConversation.objects.get_or_create(chat_id=chat_id)
    return conversation


def _save_state(chat_id: int, state: str) -> None:
    BotConversation.objects.update_or_create(chat_id=chat_id, defaults={"state": state})


def _save_data(chat_id: int, data: dict) -> None:
    BotConversation.objects.update_or_create(chat_id=chat_id, defaults={"data": data})


class DatabaseStorage(BaseStorage):
    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        value = state.state if isinstance(state, State) else state
        await sync_to_async(_save_state)(key.chat_id, value or "")

    async def get_state(self, key: StorageKey) -> str | None:
        conversation = await sync_to_async(_load)(key.chat_id)
        return conversation.state or None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await sync_to_async(_save_data)(key.chat_id, dict(data))

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        conversation = await sync_to_async(_load)(key.chat_id)
        return dict(conversation.data or {})

    async def close(self) -> None:
        pass
