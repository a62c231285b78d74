"""JSON-RPC bookkeeping that pygls 2.1 gets wrong: every request answered once, nothing kept.

What pygls 2.1 does, and what this class does instead (each is worth an upstream report):
- `_execute_handler` puts every generator handler's future into `_request_futures` under a fresh
  uuid, and only a request's callback removes its entry: each notification handled by a
  generator (`didOpen`, `didChange`, `didClose` ...) leaves one future behind forever (about
  1.8 KB per keystroke). Here only client requests are tracked, and only while they run.
- `_run_generator` never links the request's future to the handler it yields to: cancelling
  `workspace/executeCommand` answers -32800 but the command's task keeps running (it still
  calls upstream and still applies its edit). Here cancelling the outer future cancels the inner.
- `send_request` waits for the client forever, and a reply of the wrong shape (`null`, `{}`,
  `42` to `workspace/applyEdit`) fails to structure and is dropped, so the future never resolves.
  Here each server-to-client request fails after `CLIENT_REPLY_TIMEOUT_SECONDS`, and a reply of
  the wrong shape fails it at once (RequestFailed); its bookkeeping is removed either way.
- `lsp_shutdown` cancels pending futures while iterating `_request_futures`; cancelling runs
  callbacks that remove entries ("dictionary changed size during iteration", -32603).
- `_handle_response` calls `set_result` on a future that was already cancelled or timed out,
  which raises `InvalidStateError` in the reader. Here a late reply is logged and ignored.
- A coroutine handler's answer is sent by the task's done callback, a loop pass after the
  handler returned (~0.05 ms of cold code on every answer). Here it is sent as the handler
  returns, from inside its task; a cancelled task is still answered by the callback.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import uuid
from concurrent.futures import Future
from functools import partial
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.feature_manager import is_thread_function
from pygls.protocol import LanguageServerProtocol, lsp_method

log = logging.getLogger(__name__)

REQUEST_FAILED = -32803  # LSP RequestFailed
# One constant, not a setting: a client that takes longer than this to answer `applyEdit` or
# `workDoneProgress/create` is not answering, and no user can tune their way out of that.
CLIENT_REPLY_TIMEOUT_SECONDS = 10.0


class TrackedProtocol(LanguageServerProtocol):
    """pygls's protocol with bounded bookkeeping, linked cancellation and client-reply timeouts."""

    client_reply_timeout = CLIENT_REPLY_TIMEOUT_SECONDS

    def __init__(self, server: Any, converter: Any) -> None:
        super().__init__(server, converter)
        self._sent_methods: dict[Any, str] = {}

    # --- handlers --------------------------------------------------------------------------------

    def _execute_handler(  # type: ignore[override]
        self,
        msg_id: Any,
        handler: Any,
        callback: Any,
        args: tuple[Any, ...] | None = None,
        kwargs: dict[str, Any] | None = None,
    ) -> Any:
        """Run a handler; track its future under a client request id only while it runs."""
        args, kwargs = args or (), kwargs or {}
        future: Any
        request = msg_id == self._ctx_msg_id.get()
        if asyncio.iscoroutinefunction(handler) and request:
            answered: list[bool] = []
            future = asyncio.ensure_future(_answering(handler(*args, **kwargs), callback, answered))
            callback = partial(_unless_answered, callback, answered)
        elif asyncio.iscoroutinefunction(handler):
            future = asyncio.ensure_future(handler(*args, **kwargs))
        elif is_thread_function(handler):
            future = self._server.thread_pool.submit(handler, *args, **kwargs)
        else:
            future = Future()
            try:
                if inspect.isgeneratorfunction(handler):
                    self._run_generator(None, gen=handler(*args, **kwargs), result_future=future)
                else:
                    future.set_result(handler(*args, **kwargs))
            except Exception as exc:
                if not future.done():
                    future.set_exception(exc)
        if request and not future.done():  # a client request
            self._request_futures[msg_id] = future
            future.add_done_callback(partial(self._forget, msg_id))
        future.add_done_callback(callback)
        return future

    def _forget(self, msg_id: Any, future: Any) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    def _run_generator(self, future: Any, *, gen: Any, result_future: Any) -> None:
        """One step of a generator handler; cancelling the result cancels the step under way."""
        if result_future.done():
            gen.close()
            return
        if future is not None and future.cancelled():
            result_future.cancel()
            gen.close()
            return
        try:
            value = future.result() if future is not None else None
            handler, args, kwargs = gen.send(value)
            inner = self._execute_handler(
                str(uuid.uuid4()),
                handler,
                args=args,
                kwargs=kwargs,
                callback=partial(self._run_generator, gen=gen, result_future=result_future),
            )
            result_future.add_done_callback(lambda f: inner.cancel() if f.cancelled() else None)
        except StopIteration as result:
            result_future.set_result(result.value)
        except Exception as exc:
            result_future.set_exception(exc)

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args: Any) -> Any:
        """Cancel what runs, over a copy of `_request_futures` (cancelling removes entries)."""
        if (user_handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield user_handler, args, None
        current = self.msg_id
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True

    # --- requests to the client ---------------------------------------------------------------

    def send_request(  # type: ignore[override]
        self,
        method: str,
        params: Any | None = None,
        callback: Any = None,
        msg_id: Any = None,
    ) -> Future[Any]:
        """Send a request that fails after `client_reply_timeout`; forgotten once done."""
        msg_id = msg_id if msg_id is not None else str(uuid.uuid4())
        self._sent_methods[msg_id] = method
        future = super().send_request(method, params, callback, msg_id)
        try:
            timer = asyncio.get_running_loop().call_later(
                self.client_reply_timeout, self._expire, msg_id, future
            )
        except RuntimeError:  # no loop (a thread handler): no timer, bookkeeping still cleared
            timer = None
        future.add_done_callback(partial(self._request_done, msg_id, timer))
        return future

    def _expire(self, msg_id: Any, future: Future[Any]) -> None:
        method = self._sent_methods.get(msg_id, "a request")
        if not future.done():
            log.warning("no answer to %s within %gs", method, self.client_reply_timeout)
            future.set_exception(
                JsonRpcException(
                    f"The editor did not answer {method} within {self.client_reply_timeout:g} s.",
                    code=REQUEST_FAILED,
                )
            )

    def _request_done(self, msg_id: Any, timer: Any, future: Future[Any]) -> None:
        if timer is not None:
            timer.cancel()
        self._forget(msg_id, future)
        self._result_types.pop(msg_id, None)
        self._sent_methods.pop(msg_id, None)

    def fail_reply(self, msg_id: Any, why: str) -> None:
        """A reply of the wrong shape: the request it answers has failed."""
        method = self._sent_methods.get(msg_id, "a request")
        future = self._request_futures.get(msg_id)
        log.warning("the client answered %s with a reply of the wrong shape: %s", method, why)
        if future is not None and not future.done():
            message = f"The editor answered {method} with a reply of the wrong shape ({why})."
            future.set_exception(JsonRpcException(message, code=REQUEST_FAILED))

    def _handle_response(self, msg_id: Any, result: Any = None, error: Any = None) -> None:
        """Ignore a reply to a request that was already given up."""
        future = self._request_futures.get(msg_id)
        if future is not None and future.done():
            self._request_futures.pop(msg_id, None)
            log.warning("late reply to %s ignored", self._sent_methods.get(msg_id, msg_id))
            return
        super()._handle_response(msg_id, result, error)


async def _answering(coro: Any, callback: Any, answered: list[bool]) -> Any:
    """Await a request handler and send its answer (or error) as it returns, not a pass later."""
    try:
        result = await coro
    except asyncio.CancelledError:
        raise  # answered -32800 by the done callback
    except Exception as exc:
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        done.set_exception(exc)
        answered.append(True)
        callback(done)
        return None
    done = asyncio.get_running_loop().create_future()
    done.set_result(result)
    answered.append(True)
    callback(done)
    return result


def _unless_answered(callback: Any, answered: list[bool], future: Any) -> None:
    if not answered:
        callback(future)
