"""Who is asking: forwarded headers count only when the peer is one of our own proxies (TRUSTED_PROXIES).

One helper gives the client's address to the audit trail and to django-axes (AXES_CLIENT_IP_CALLABLE);
`lifeport.middleware.forwarded_headers_middleware` removes the forwarded headers of any other peer before
Django reads them, so `X-Forwarded-Proto` (SECURE_PROXY_SSL_HEADER) is believed from the proxy only.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_FORWARDED",
    "HTTP_X_REAL_IP",
)


@lru_cache(maxsize=8)
def _networks(configured: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in configured)


def proxy_networks(values: list[str]) -> list[str]:
    """TRUSTED_PROXIES as read from the environment: raises ValueError naming an entry that is no address or CIDR."""
    for value in values:
        ipaddress.ip_network(value, strict=False)
    return values


def _address(value: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address: IPAddress) -> bool:
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def from_trusted_proxy(request: HttpRequest) -> bool:
    """True when the peer that sent this request is one of our proxies (so its forwarded headers count)."""
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    return peer is not None and _trusted(peer)


def client_address(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or, when that is our proxy, the X-Forwarded-For entry it vouches for.

    X-Forwarded-For is read from the right: each entry was appended by the hop to its right, so the first
    entry that is not one of our proxies is the client; anything left of it was sent by the client and may
    be forged. A peer that is not a configured proxy is the client, whatever headers it sends.
    """
    if request is None:
        return None
    peer = _address(request.META.get("REMOTE_ADDR", ""))
    if peer is None:
        return None
    address = peer
    if _trusted(peer):
        for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
            hop_address = _address(hop)
            if hop_address is None:
                break
            address = hop_address
            if not _trusted(hop_address):
                break
    return str(address)
