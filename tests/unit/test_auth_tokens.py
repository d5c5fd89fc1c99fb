"""Access-token verification with locally generated RSA keys: only a Cognito access token of
this pool and this app client, signed by one of the pool's keys and not expired, is accepted."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from chalicelib.settings import Settings
from chalicelib.staff.auth import (
    AuthUnavailable,
    Jwks,
    TokenVerifier,
    Unauthenticated,
    bearer_token,
    issuer,
    jwks_url,
)

POOL = "ap-southeast-3_TestPool1"
ISSUER = f"https://cognito-idp.ap-southeast-3.amazonaws.com/{POOL}"
CLIENT = "console-client-id"


def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


POOL_KEY, OTHER_KEY = rsa_key(), rsa_key()


def jwks_document(**keys: rsa.RSAPrivateKey) -> dict[str, Any]:
    entries = []
    for kid, key in keys.items():
        entry = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        entries.append({**entry, "kid": kid, "alg": "RS256", "use": "sig"})
    return {"keys": entries}


class FakeFetch:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document, self.calls = document, 0

    def __call__(self, url: str) -> dict[str, Any]:
        self.calls += 1
        if isinstance(self.document, Exception):
            raise self.document
        return self.document


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "7d0f6a52-0000-4000-8000-000000000001",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "cognito:groups": ["asesor"],
        "iat": now,
        "auth_time": now,
        "exp": now + 3600,
        "jti": "e1b6c5b4",
        "username": "7d0f6a52-0000-4000-8000-000000000001",
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: Any = POOL_KEY, kid: str = "pool-1", alg: str = "RS256"):
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def fetch() -> FakeFetch:
    return FakeFetch(jwks_document(**{"pool-1": POOL_KEY}))


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def verifier(fetch: FakeFetch, clock: Clock) -> TokenVerifier:
    return TokenVerifier(ISSUER, CLIENT, Jwks("https://jwks.test/keys", fetch, 60.0, clock))


def test_a_pool_access_token_is_accepted(verifier):
    verified = verifier.verify(sign(claims()))
    assert verified.sub == "7d0f6a52-0000-4000-8000-000000000001"
    assert verified.groups == ("asesor",)


def unsigned(payload: dict[str, Any]) -> str:
    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    return f"{part({'alg': 'none', 'typ': 'JWT', 'kid': 'pool-1'})}.{part(payload)}."


def hs256_with_the_public_key(payload: dict[str, Any]) -> str:
    """The algorithm-confusion attack: HMAC keyed with the (public) RSA key."""
    public = RSAAlgorithm.to_jwk(POOL_KEY.public_key()).encode()
    header = {"alg": "HS256", "typ": "JWT", "kid": "pool-1"}
    import hashlib
    import hmac

    def part(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = f"{part(json.dumps(header).encode())}.{part(json.dumps(payload).encode())}"
    signature = hmac.new(public, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{part(signature)}"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(sign(claims(), key=OTHER_KEY), id="forged signature, pool's key id"),
        pytest.param(sign(claims(exp=int(time.time()) - 120)), id="expired"),
        pytest.param(unsigned(claims()), id="alg none"),
        pytest.param(hs256_with_the_public_key(claims()), id="HS256 keyed with the public key"),
        pytest.param(
            sign(
                claims(iss="https://cognito-idp.ap-southeast-3.amazonaws.com/ap-southeast-3_Other")
            ),
            id="other pool",
        ),
        pytest.param(sign(claims(iss="https://evil.example/pool")), id="other issuer"),
        pytest.param(sign(claims(client_id="another-app-client")), id="other client"),
        pytest.param(
            sign(claims(token_use="id", client_id=None, aud=CLIENT)), id="id token, not access"
        ),
        pytest.param(sign(claims(token_use=None)), id="no token_use"),
        pytest.param(sign(claims(exp=None)), id="no expiry"),
        pytest.param(sign(claims(iat=int(time.time()) + 3600)), id="issued in the future"),
        pytest.param(sign(claims(), key=OTHER_KEY, kid="unknown"), id="unknown key id"),
        pytest.param("not.a.token", id="garbage"),
        pytest.param("", id="empty"),
    ],
)
def test_untrustworthy_tokens_are_refused(verifier, token):
    with pytest.raises(Unauthenticated):
        verifier.verify(token)


def test_keys_are_fetched_once_and_kept(verifier, fetch):
    for _ in range(3):
        verifier.verify(sign(claims()))
    assert fetch.calls == 1


def test_an_unknown_key_id_refetches_at_most_once_a_minute(verifier, fetch, clock):
    verifier.verify(sign(claims()))
    with pytest.raises(Unauthenticated):
        verifier.verify(sign(claims(), key=OTHER_KEY, kid="rotated"))
    assert fetch.calls == 1  # keys fetched moments ago are not fetched again

    clock.now += 61
    for _ in range(5):  # a flood of tokens with unknown key ids costs one fetch a minute
        with pytest.raises(Unauthenticated):
            verifier.verify(sign(claims(), key=OTHER_KEY, kid="rotated"))
    assert fetch.calls == 2

    # Cognito rotates its keys: after the interval the new key is fetched and accepted.
    fetch.document = jwks_document(**{"pool-1": POOL_KEY, "rotated": OTHER_KEY})
    clock.now += 61
    assert verifier.verify(sign(claims(), key=OTHER_KEY, kid="rotated")).sub
    assert fetch.calls == 3


def test_keys_unreachable_on_first_use_is_not_a_401(clock):
    fetch = FakeFetch(OSError("connection refused"))  # type: ignore[arg-type]
    verifier = TokenVerifier(ISSUER, CLIENT, Jwks("https://jwks.test/keys", fetch, 60.0, clock))
    with pytest.raises(AuthUnavailable):
        verifier.verify(sign(claims()))


def test_keys_unreachable_later_keeps_the_known_keys(verifier, fetch, clock):
    verifier.verify(sign(claims()))
    fetch.document = OSError("timeout")  # type: ignore[assignment]
    clock.now += 120
    with pytest.raises(Unauthenticated):
        verifier.verify(sign(claims(), key=OTHER_KEY, kid="rotated"))
    assert verifier.verify(sign(claims())).sub


@pytest.mark.parametrize(
    "headers",
    [{}, {"authorization": ""}, {"authorization": "Basic abc"}, {"authorization": "Bearer "}],
)
def test_requests_without_a_bearer_token_are_refused(headers):
    with pytest.raises(Unauthenticated):
        bearer_token(headers)


def test_bearer_token_is_read_whatever_the_scheme_case():
    assert bearer_token({"authorization": "bearer abc.def.ghi"}) == "abc.def.ghi"


def test_issuer_is_the_aws_url_everywhere_and_only_the_jwks_url_moves():
    deployed = Settings(user_pool_id=POOL, user_pool_client_id=CLIENT)
    local = Settings(
        user_pool_id=POOL,
        user_pool_client_id=CLIENT,
        user_pool_jwks_url=f"http://127.0.0.1:5000/{POOL}/.well-known/jwks.json",
    )
    assert issuer(deployed) == issuer(local) == ISSUER
    assert jwks_url(deployed) == f"{ISSUER}/.well-known/jwks.json"
    assert jwks_url(local).startswith("http://127.0.0.1:5000/")


def test_importing_the_app_reads_no_keys_and_loads_no_jwt_library():
    code = "import sys, app; print('jwt' in sys.modules, 'cryptography' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
