"""A real OpenID Connect provider for end-to-end sign-in tests, and a scripted user for it.

`start_provider` runs `node provider.mjs` (npm `oidc-provider`, pinned in package.json) on
127.0.0.1 with one confidential client. Any login name signs in, with any password; the
account's `sub` is the login name, its email `<sub>@example.test`, its name the login name.

`sign_in` plays the user: it follows the app's redirect to the provider, fills in the login
form, confirms the consent form, and stops at the app's callback.

The provider's cookies are named `oidc_*`: cookies do not tell ports apart, so the app under
test on 127.0.0.1 shares one cookie jar with the provider.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:
    import httpx

HERE = Path(__file__).resolve().parent
PROVIDER_SCRIPT = HERE / "provider.mjs"
READY_TIMEOUT_SECONDS = 30.0
PASSWORD = "anything"
MAX_STEPS = 20
PROVIDER_COOKIE_PREFIX = "oidc_"  # see cookies.names in provider.mjs


def ensure_installed() -> None:
    """Install the provider's npm packages from package-lock.json if they are missing."""
    if (HERE / "node_modules" / "oidc-provider" / "package.json").is_file():
        return
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH: cannot install tests/oidc's packages")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=HERE,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(
            f"`npm ci` in {HERE} failed with exit code {result.returncode}:\n"
            f"{result.stdout}{result.stderr}"
        )


@dataclass(frozen=True)
class Provider:
    """A running provider: where it is, and what it logged so far."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    post_logout_redirect_uri: str | None
    _stderr: deque[str]

    @property
    def metadata_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    @property
    def port(self) -> int:
        port = urlsplit(self.issuer).port
        assert port is not None
        return port

    def stderr(self) -> str:
        """The provider's recent stderr (warnings, server errors), for failure messages."""
        return "".join(self._stderr)


def _drain(
    stream: Iterator[str], sink: deque[str], ready: list[str], event: threading.Event
) -> None:
    for line in stream:
        sink.append(line)
        if not ready and line.startswith("READY "):
            ready.append(line.removeprefix("READY ").strip())
            event.set()
    event.set()  # end of output: the process is gone; wake the waiter


@contextlib.contextmanager
def start_provider(
    client_id: str,
    client_secret: str,
    redirect_uri: str,
    *,
    post_logout_redirect_uri: str | None = None,
) -> Iterator[Provider]:
    """Run the provider on a free port of 127.0.0.1 for the duration of the block.

    The client may use client_secret_basic or client_secret_post, PKCE (S256) or not.
    `post_logout_redirect_uri`, if given, is the one the provider's end_session accepts.
    """
    ensure_installed()
    node = shutil.which("node")
    if node is None:
        raise RuntimeError("node is not on PATH: cannot start the test OpenID provider")
    env = dict(os.environ)
    env.update(
        {
            # 0: the provider binds a port the system picks, and names it in its READY line.
            "OIDC_PORT": "0",
            "OIDC_CLIENT_ID": client_id,
            "OIDC_CLIENT_SECRET": client_secret,
            "OIDC_REDIRECT_URI": redirect_uri,
            "OIDC_POST_LOGOUT_REDIRECT_URI": post_logout_redirect_uri or "",
            # oidc-provider itself ignores NODE_ENV (koa only reports it): pin it anyway so
            # that an inherited "production" changes nothing.
            "NODE_ENV": "development",
            "NO_COLOR": "1",
        }
    )
    proc = subprocess.Popen(
        [node, str(PROVIDER_SCRIPT)],
        cwd=HERE,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
    )
    assert proc.stdout is not None and proc.stderr is not None
    stdout_lines: deque[str] = deque(maxlen=200)
    stderr_lines: deque[str] = deque(maxlen=200)
    ready: list[str] = []
    ready_event = threading.Event()
    ignored = threading.Event()
    readers = [
        threading.Thread(
            target=_drain,
            args=(proc.stdout, stdout_lines, ready, ready_event),
            name="oidc-provider-stdout",
            daemon=True,
        ),
        threading.Thread(
            target=_drain,
            args=(proc.stderr, stderr_lines, [], ignored),
            name="oidc-provider-stderr",
            daemon=True,
        ),
    ]
    for reader in readers:
        reader.start()
    try:
        ready_event.wait(READY_TIMEOUT_SECONDS)
        if not ready:
            exited: int | None
            try:  # the end of its stdout: the process is exiting, let it finish
                exited = proc.wait(timeout=1)
            except subprocess.TimeoutExpired:
                exited = None
            _stop(proc)
            for reader in readers:
                reader.join(timeout=5)
            what = (
                f"exited with code {exited} before it was ready"
                if exited is not None
                else f"did not report READY within {READY_TIMEOUT_SECONDS:g}s"
            )
            raise RuntimeError(
                f"the test OpenID provider (node {PROVIDER_SCRIPT.name}) {what};\n"
                f"stdout:\n{''.join(stdout_lines)}stderr:\n{''.join(stderr_lines)}"
            )
        yield Provider(
            issuer=ready[0],
            client_id=client_id,
            client_secret=client_secret,
            redirect_uri=redirect_uri,
            post_logout_redirect_uri=post_logout_redirect_uri,
            _stderr=stderr_lines,
        )
    finally:
        _stop(proc)
        for reader in readers:
            reader.join(timeout=5)
        proc.stdout.close()
        proc.stderr.close()


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@dataclass
class _Form:
    action: str
    method: str
    fields: dict[str, str]
    has_password: bool


class _FormParser(HTMLParser):
    """Collects the forms of a page, with their named inputs' values."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = _Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
                fields={},
                has_password=False,
            )
            self.forms.append(self._current)
        elif tag in ("input", "button") and self._current is not None:
            name = attributes.get("name")
            kind = attributes.get("type", "text" if tag == "input" else "submit").lower()
            if kind == "password":
                self._current.has_password = True
            if name and kind not in ("submit", "button", "image", "reset"):
                self._current.fields[name] = attributes.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, parts.hostname or "", parts.port


def _describe(response: httpx.Response) -> str:
    return f"{response.request.method} {response.request.url} -> {response.status_code}"


def sign_in(
    client: httpx.Client, start_url: str, login: str, *, fresh: bool = True
) -> httpx.Response:
    """Sign in as `login` through the provider, starting at the app's `start_url`.

    GETs `start_url` (an app URL that redirects to the provider's authorization endpoint),
    submits the provider's login form (login=`login`, password="anything") and its consent
    form if shown, and returns the response of the first request that leaves the provider
    again: the app's callback. Redirects are followed by hand (whatever the client's
    follow_redirects), and the callback's own redirect is not followed.

    With `fresh` (the default) the client first forgets its session at the provider, so the
    login form always shows and the user is `login`. With fresh=False an existing provider
    session is reused the way a browser would: the provider may send the user straight back,
    as whoever signed in there before, without asking for `login`.
    """
    app_origin = _origin(start_url)
    provider_origin: tuple[str, str, int | None] | None = None
    response = client.get(start_url, follow_redirects=False)
    trail = [_describe(response)]
    for _ in range(MAX_STEPS):
        here = str(response.request.url)
        if provider_origin is not None and _origin(here) != provider_origin:
            return response  # left the provider: this is the app's callback
        if response.is_redirect:
            target = urljoin(here, response.headers["location"])
            if provider_origin is None and _origin(target) != app_origin:
                provider_origin = _origin(target)
                if fresh:
                    _forget_provider_cookies(client, provider_origin[1])
            response = client.get(target, follow_redirects=False)
        elif provider_origin is not None and response.status_code == 200:
            response = _submit_page(client, response, login)
        else:
            break
        trail.append(_describe(response))
    raise RuntimeError(
        "sign-in did not come back to the app:\n  "
        + "\n  ".join(trail)
        + f"\nlast body:\n{response.text[:2000]}"
    )


def _forget_provider_cookies(client: httpx.Client, host: str) -> None:
    jar = client.cookies.jar
    # http.cookiejar files a host without a dot ("localhost") under "localhost.local".
    hosts = {host, host + ".local"}
    doomed = [
        cookie
        for cookie in jar
        if cookie.name.startswith(PROVIDER_COOKIE_PREFIX) and cookie.domain.lstrip(".") in hosts
    ]
    for cookie in doomed:
        jar.clear(cookie.domain, cookie.path, cookie.name)


def _submit_page(client: httpx.Client, page: httpx.Response, login: str) -> httpx.Response:
    parser = _FormParser()
    parser.feed(page.text)
    parser.close()
    forms = [form for form in parser.forms if form.method == "post"]
    if not forms:
        raise RuntimeError(
            f"the provider's page has no form to submit ({_describe(page)}):\n{page.text[:2000]}"
        )
    login_forms = [form for form in forms if "login" in form.fields or form.has_password]
    form = login_forms[0] if login_forms else forms[0]
    data = dict(form.fields)
    if login_forms:
        data["login"] = login
        data["password"] = PASSWORD
    action = urljoin(str(page.request.url), form.action or str(page.request.url))
    return client.post(action, data=data, follow_redirects=False)
