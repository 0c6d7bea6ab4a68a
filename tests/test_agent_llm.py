"""The LLM seam: strict JSON, bounded retry, the tightened grammar, the fake's transcript."""

import re

import pytest
from pydantic import BaseModel, Field

from llm.chat import STRICT_CHAR_RULE, FakeLLM, LLMError, LLMOutputError, parse_json_reply, strict_json_grammar


class Pair(BaseModel):
    name: str = Field(max_length=10)
    count: int


def ask(llm, **kwargs):
    return llm.complete_json([{"role": "user", "content": "go"}], Pair, **kwargs)


def test_valid_reply_first_time():
    llm = FakeLLM(['noise {"name": "fox", "count": 2} trailing'])
    result = ask(llm)
    assert (result.value, result.attempts, result.errors) == (Pair(name="fox", count=2), 1, [])
    messages, schema = llm.calls[0]
    assert schema == Pair.model_json_schema()


def test_retry_shows_the_model_its_error():
    llm = FakeLLM(['{"name": "a\nb", "count": 1}', '{"name": "fox", "count": 3}'])
    result = ask(llm)
    assert result.value == Pair(name="fox", count=3) and result.attempts == 2
    retry_messages = llm.calls[1][0]
    assert retry_messages[0] == {"role": "user", "content": "go"}
    assert retry_messages[1]["role"] == "assistant"
    assert "not valid (invalid JSON: Invalid control character" in retry_messages[2]["content"]


def test_retries_are_bounded_then_a_story_error_says_why():
    llm = FakeLLM(['{"name": "much too long a name", "count": 1}', "no json", "never asked"])
    with pytest.raises(LLMOutputError, match="name:"):
        ask(llm, retries=1)
    assert len(llm.calls) == 2 and list(llm.replies) == ["never asked"]


def test_a_backend_failure_is_not_retried():
    llm = FakeLLM([])
    with pytest.raises(LLMOutputError, match="no reply queued"):
        ask(llm, retries=3)
    assert len(llm.calls) == 1


def test_parse_rejects_raw_control_characters():
    with pytest.raises(ValueError):
        parse_json_reply('{"name": "tab\there", "count": 1}', Pair)


def test_strict_grammar_tightens_strings_and_keeps_max_length():
    grammar = strict_json_grammar(Pair.model_json_schema())
    assert STRICT_CHAR_RULE in grammar.splitlines()
    assert not re.search(r'(?m)^char ::= \[\^"\\\\\] \|', grammar)  # the loose stock rule is gone
    name_rule = next(line for line in grammar.splitlines() if line.startswith("name ::="))
    assert name_rule.count("char") == 10  # maxLength 10


def test_strict_grammar_without_bounded_strings():
    class Free(BaseModel):
        text: str

    grammar = strict_json_grammar(Free.model_json_schema())
    assert STRICT_CHAR_RULE in grammar.splitlines()
    assert 'string ::= "\\"" char* "\\"" space' in grammar.splitlines()


def test_complete_on_the_fake():
    llm = FakeLLM(["  hello  "])
    assert llm.complete([{"role": "user", "content": "hi"}]) == "hello"
    with pytest.raises(LLMError):
        llm.complete([{"role": "user", "content": "hi"}])
