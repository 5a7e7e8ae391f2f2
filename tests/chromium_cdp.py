"""Drive a real headless Chromium through the DevTools protocol, over a pipe.

``--remote-debugging-pipe`` makes Chromium read protocol commands from file
descriptor 3 and write replies and events to descriptor 4, each message JSON
ending in a NUL byte. That needs no network port and no library beyond the
standard one, and gives the tests what a person does with a page: open it,
type into a box, click, scroll, take a screenshot.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Any, Dict, List, Optional

import pytest
from debian_tools import chromium_flags


class BrowserError(RuntimeError):
    pass


class Browser:
    """One Chromium process with one page attached."""

    def __init__(self, binary: str, user_data_dir: str, width: int = 1400, height: int = 900) -> None:
        # Chromium's log goes to a file: a pipe nobody reads could fill and stall it
        self._log = tempfile.TemporaryFile()
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()
        # a small Python launcher puts the two pipe ends at descriptors 3 and 4,
        # where Chromium looks for them (copies first: either end may be 3 or 4 already)
        launcher = (
            "import os, sys\n"
            "read, write = os.dup(int(sys.argv[1])), os.dup(int(sys.argv[2]))\n"
            "os.dup2(read, 3)\nos.dup2(write, 4)\nos.set_inheritable(3, True)\nos.set_inheritable(4, True)\n"
            "for fd in {read, write, int(sys.argv[1]), int(sys.argv[2])} - {3, 4}:\n    os.close(fd)\n"
            "os.execv(sys.argv[3], sys.argv[3:])\n"
        )
        args = [*chromium_flags(user_data_dir), "--remote-debugging-pipe", f"--window-size={width},{height}",
                "about:blank"]
        self._process = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_browser_read), str(from_browser_write), binary, *args],
            pass_fds=(to_browser_read, from_browser_write), stdout=subprocess.DEVNULL, stderr=self._log,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self._events: List[Dict[str, Any]] = []
        self.session: Optional[str] = None
        try:
            targets = self.call("Target.getTargets")["targetInfos"]
            page = next(t for t in targets if t["type"] == "page")
            self.session = self.call("Target.attachToTarget", targetId=page["targetId"], flatten=True)["sessionId"]
            self.call("Page.enable")
            self.call("Runtime.enable")
            self.resize(width, height)
        except BaseException:
            self.close()
            raise

    # -- the protocol -------------------------------------------------------

    def _send(self, message: Dict[str, Any]) -> None:
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self._to_browser, data):]

    def _receive(self, timeout: float) -> Dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                raise BrowserError(f"no reply from Chromium in {timeout} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise BrowserError("Chromium closed the pipe: " + self._stderr_tail())
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def call(self, method: str, timeout: float = 60.0, **params: Any) -> Dict[str, Any]:
        self._next_id += 1
        message: Dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None and not method.startswith("Target."):
            message["sessionId"] = self.session
        self._send(message)
        while True:
            reply = self._receive(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self._events.append(reply)

    def wait_for_event(self, method: str, timeout: float = 60.0) -> Dict[str, Any]:
        for index, event in enumerate(self._events):
            if event["method"] == method:
                return self._events.pop(index)
        while True:
            reply = self._receive(timeout)
            if reply.get("method") == method:
                return reply
            if "method" in reply:
                self._events.append(reply)

    def exceptions(self) -> List[str]:
        """The uncaught JavaScript exceptions reported since the last call."""
        self.evaluate("0")  # the events sent so far arrive before this reply
        found = [e for e in self._events if e["method"] == "Runtime.exceptionThrown"]
        self._events = [e for e in self._events if e["method"] != "Runtime.exceptionThrown"]
        return [json.dumps(e["params"]["exceptionDetails"])[:2000] for e in found]

    def _stderr_tail(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-1500:]

    # -- what a person does ---------------------------------------------------

    def open(self, url: str) -> None:
        """Load ``url`` as a new document (by way of a blank page: a URL that differs from
        the current one only in its fragment would otherwise not load anything)."""
        for address in ("about:blank", url):
            self._events = [e for e in self._events if e["method"] != "Page.loadEventFired"]
            self.call("Page.navigate", url=address)
            self.wait_for_event("Page.loadEventFired")

    def go(self, fragment: str) -> None:
        """Follow a link within the open page (``#...``), as its hashchange handlers see it."""
        self.evaluate(
            "new Promise(r => { window.addEventListener('hashchange', () => r(true), {once: true});"
            f" location.hash = {json.dumps(fragment)}; }})"
        )
        self.settle()

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} raised: {result['exceptionDetails']}")
        return result["result"].get("value")

    def settle(self) -> None:
        """Wait until the page has handled what happened and painted it (two animation frames)."""
        self.evaluate("new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the first element ``selector`` matches."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).scrollIntoView({{block: 'center'}})")
        box = self.evaluate(
            f"(() => {{ const r = document.querySelector({json.dumps(selector)}).getBoundingClientRect();"
            " return [r.left + r.width / 2, r.top + r.height / 2]; })()"
        )
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=box[0], y=box[1], button="left", clickCount=1)
        self.settle()

    def type_into(self, selector: str, text: str) -> None:
        """Focus a text box, clear it, and type ``text`` as keyboard input."""
        self.click(selector)
        self.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
        self.call("Input.dispatchKeyEvent", type="keyDown", key="Backspace", code="Backspace", windowsVirtualKeyCode=8)
        self.call("Input.dispatchKeyEvent", type="keyUp", key="Backspace", code="Backspace", windowsVirtualKeyCode=8)
        if text:
            self.call("Input.insertText", text=text)
        self.settle()

    def key(self, key: str, code: str, key_code: int) -> None:
        for kind in ("keyDown", "keyUp"):
            self.call("Input.dispatchKeyEvent", type=kind, key=key, code=code, windowsVirtualKeyCode=key_code)
        self.settle()

    def resize(self, width: int, height: int) -> None:
        """Make the window ``width`` x ``height`` CSS pixels, as a person resizing it would."""
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.settle()

    def screenshot(self, path: str, full_page: bool = False) -> bytes:
        params: Dict[str, Any] = {"format": "png"}
        if full_page:
            size = self.evaluate("[document.documentElement.scrollWidth, document.documentElement.scrollHeight]")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": size[0], "height": size[1], "scale": 1})
        data = base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])
        with open(path, "wb") as handle:
            handle.write(data)
        return data

    def close(self) -> None:
        try:
            self._send({"id": self._next_id + 1, "method": "Browser.close", "params": {}})
        except OSError:
            pass
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()

    def __enter__(self) -> "Browser":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def start(binary: str, user_data_dir: str, width: int = 1400, height: int = 900) -> Browser:
    return Browser(binary, user_data_dir, width, height)


BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium(user_data_dir: str) -> str:
    """A Chromium on PATH that starts and answers the protocol. Nothing is
    installed: without one the test is skipped with the reason, and fails
    where ``CI=true`` (CI installs Chromium, so a missing one is a broken set-up)."""
    binary = next((path for path in map(shutil.which, BROWSERS) if path), None)
    problem = "" if binary else f"no Chromium on PATH (looked for {', '.join(BROWSERS)})"
    if binary:
        try:
            with start(binary, user_data_dir, 200, 200) as browser:
                browser.open("about:blank")
        except (OSError, BrowserError) as error:
            problem = f"Chromium ({binary}) does not start here: {error}"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(problem + "; CI must provide it")
        pytest.skip(problem)
    assert binary is not None
    return binary


__all__ = ["BROWSERS", "Browser", "BrowserError", "find_chromium", "start"]
