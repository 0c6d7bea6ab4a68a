"""The language-model seam: messages in; text, a text stream, or JSON validated by a pydantic model out.

`ChatModel` holds the shared logic (JSON parsing, validation, a bounded retry that shows the model its error,
a deterministic fallback). Backends implement one method, `_chat`, like a plugin model in simonw/llm:

* `LlamaChatModel`: llama-cpp-python on a GGUF file, loaded once, lazily, behind one lock (a llama.cpp context
  is not thread-safe).
* `FakeLLM`: queued replies for tests, recording every call.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel, ValidationError

from core.config import Config
from core.errors import StoryError

log = logging.getLogger(__name__)

Message = dict[str, str]
T = TypeVar("T", bound=BaseModel)

# JSON string characters without raw control characters: llama-cpp-python's converter allows any byte but
# `"` and `\` (so a newline can appear raw inside a string and strict JSON parsing fails). Escapes are limited
# to those that cannot decode to a control character either.
STRICT_CHAR_RULE = r'char ::= [^"\\\x00-\x1F\x7F] | "\\" ["\\/]'


class LLMError(StoryError):
    """The language model could not answer (not loaded, crashed, or no usable output)."""


class LLMOutputError(LLMError):
    """The model's structured reply was still invalid after the retries."""


@dataclass
class Usage:
    """Token counts and wall time of the last call (for the benchmark and the logs)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Structured(Generic[T]):
    """The result of `ChatModel.complete_json`: the value and how it was obtained."""

    value: T
    attempts: int
    errors: list[str] = field(default_factory=list)


def strict_json_grammar(schema: dict) -> str:
    """GBNF for `schema` (llama-cpp-python's converter) with the string rule tightened (`STRICT_CHAR_RULE`).

    Args:
        schema: a JSON schema (pydantic's `model_json_schema()`); `maxLength`, `maxItems` and enums are kept.
    """
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    grammar = json_schema_to_gbnf(json.dumps(schema))
    tightened, count = re.subn(r"(?m)^char ::= .*$", lambda _: STRICT_CHAR_RULE, grammar)
    if count == 0:  # no string of bounded length in the schema: strings use the inline `string` rule
        tightened = re.sub(r'(?m)^string ::= .*$', lambda _: r'string ::= "\"" char* "\"" space', grammar)
        tightened += "\n" + STRICT_CHAR_RULE + "\n"
    return tightened


def parse_json_reply(text: str, model: type[T]) -> T:
    """Strictly parse and validate one JSON reply; raises ValueError with a short reason."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("the reply holds no JSON object")
    try:
        data = json.loads(text[start : end + 1], strict=True)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error.msg}") from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "the object"
        raise ValueError(f"{where}: {first['msg']}") from error


class ChatModel:
    """Base of every language model: implement `_chat`."""

    name = "chat-model"

    def __init__(self) -> None:
        self.last_usage = Usage()

    def _chat(self, messages: list[Message], *, schema: dict | None, max_tokens: int, temperature: float) -> str:
        raise NotImplementedError

    def complete(self, messages: list[Message], *, max_tokens: int = 256, temperature: float = 0.7) -> str:
        """A prose reply."""
        return self._chat(messages, schema=None, max_tokens=max_tokens, temperature=temperature).strip()

    def complete_json(
        self,
        messages: list[Message],
        model: type[T],
        *,
        retries: int = 1,
        max_tokens: int = 512,
        temperature: float = 0.2,
        schema: dict | None = None,
    ) -> Structured[T]:
        """A reply constrained to `model`'s JSON schema, validated and retried; LLMOutputError when none is valid.

        Args:
            messages: the conversation, system message first.
            model: the pydantic model the reply must validate against.
            retries: further attempts after the first; each shows the model its previous error.
            schema: the JSON schema to constrain to; default `model.model_json_schema()`.
        """
        schema = schema or model.model_json_schema()
        conversation = list(messages)
        errors: list[str] = []
        for attempt in range(1, retries + 2):
            try:
                text = self._chat(conversation, schema=schema, max_tokens=max_tokens, temperature=temperature)
            except LLMError as error:
                errors.append(str(error))
                log.warning("%s: %s", self.name, error)
                break
            try:
                return Structured(parse_json_reply(text, model), attempts=attempt, errors=errors)
            except ValueError as error:
                errors.append(str(error))
                log.info("%s: structured reply rejected (%s), attempt %d", self.name, error, attempt)
                conversation = [
                    *messages,
                    {"role": "assistant", "content": text[:2000]},
                    {"role": "user", "content": f"That reply was not valid ({error}). Answer again with JSON only."},
                ]
        raise LLMOutputError(f"The language model gave no usable answer ({'; '.join(errors)}).")


Reply = str | Callable[[list[Message], dict | None], str]


class FakeLLM(ChatModel):
    """A scripted model: replies are popped from a queue; each may be a string or f(messages, schema) -> str."""

    name = "fake"

    def __init__(self, replies: list[Reply] | None = None, *, default: Reply | None = None) -> None:
        super().__init__()
        self.replies: deque[Reply] = deque(replies or [])
        self.default = default
        self.calls: list[tuple[list[Message], dict | None]] = []

    def enqueue(self, *replies: Reply) -> FakeLLM:
        self.replies.extend(replies)
        return self

    def _chat(self, messages, *, schema, max_tokens, temperature) -> str:
        self.calls.append((list(messages), schema))
        if self.replies:
            reply = self.replies.popleft()
        elif self.default is not None:
            reply = self.default
        else:
            raise LLMError("FakeLLM: no reply queued")
        text = reply(messages, schema) if callable(reply) else reply
        self.last_usage = Usage(sum(len(m["content"]) for m in messages) // 4, len(text) // 4, 0.0)
        return text


class LlamaChatModel(ChatModel):
    """A GGUF chat model through llama-cpp-python, loaded on first use.

    Structured output uses the grammar that `response_format={"type": "json_object", "schema": ...}` would
    build, with the string rule tightened (`strict_json_grammar`); it is passed as `grammar=` because
    llama-cpp-python offers no other way to change that rule (and ignores the OpenAI `json_schema` envelope).
    """

    def __init__(self, path: Path, *, n_ctx: int = 4096, n_threads: int = 0, n_gpu_layers: int = 0, seed: int = 7):
        super().__init__()
        self.path = Path(path)
        self.name = self.path.name
        self.n_ctx, self.n_threads, self.n_gpu_layers, self.seed = n_ctx, n_threads, n_gpu_layers, seed
        self._llama = None
        self._lock = threading.Lock()

    def _load(self):
        # Called with the lock held.
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError as error:
                raise LLMError("llama-cpp-python is not installed; run `make setup`.") from error
            log.info("loading %s (n_ctx=%d)", self.path, self.n_ctx)
            try:
                self._llama = Llama(
                    model_path=str(self.path),
                    n_ctx=self.n_ctx,
                    # None = llama-cpp-python's default, half the logical cores (about the physical ones);
                    # more threads than free cores makes llama.cpp much slower on a busy machine
                    n_threads=self.n_threads or None,
                    n_threads_batch=self.n_threads or None,
                    n_gpu_layers=self.n_gpu_layers,
                    seed=self.seed,
                    verbose=False,
                )
            except (ValueError, RuntimeError) as error:
                raise LLMError(f"Could not load the language model {self.path}: {error}. Is it a valid GGUF?") \
                    from error
        return self._llama

    def _chat(self, messages, *, schema, max_tokens, temperature) -> str:
        from llama_cpp import LlamaGrammar

        grammar = LlamaGrammar.from_string(strict_json_grammar(schema), verbose=False) if schema else None
        with self._lock:
            llama = self._load()
            started = time.perf_counter()
            try:
                result = llama.create_chat_completion(
                    messages=messages, grammar=grammar, max_tokens=max_tokens, temperature=temperature,
                    seed=self.seed,
                )
            except ValueError as error:  # e.g. prompt longer than the context
                raise LLMError(f"The language model failed: {error}") from error
            usage = result.get("usage") or {}
            self.last_usage = Usage(
                usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0), time.perf_counter() - started
            )
        return result["choices"][0]["message"]["content"] or ""



_default_lock = threading.Lock()
_default: LlamaChatModel | None = None


def default_llm(config: Config) -> LlamaChatModel:
    """The process-wide model from the settings (`STORY_LLM_GGUF`, else the embedded SmolLM2-135M).

    Creating it loads nothing; the weights load on the first call. Every session shares this one model.
    """
    global _default
    from llm.gguf import resolve_gguf

    with _default_lock:
        if _default is None:
            _default = LlamaChatModel(
                resolve_gguf(config.llm_gguf),
                n_ctx=config.llm_context,
                n_threads=config.llm_threads,
                n_gpu_layers=config.llm_gpu_layers,
            )
        return _default


SMALL_MODEL_BYTES = 1_500_000_000  # GGUF files smaller than this (about 1.7B parameters at 4 bits) are "small"


def is_small(llm: ChatModel) -> bool:
    """Whether `llm` is a small model (the embedded 135M one): it gets compact plan prompts and never reads
    requests. A model may say so itself with a `compact_prompts` attribute."""
    explicit = getattr(llm, "compact_prompts", None)
    if explicit is not None:
        return bool(explicit)
    path = getattr(llm, "path", None)
    try:
        return path is not None and Path(path).stat().st_size < SMALL_MODEL_BYTES
    except OSError:
        return False
