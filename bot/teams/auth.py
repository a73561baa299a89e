"""Who the bot is to Microsoft: the token check on inbound activities and the token for outbound calls.

With TEAMS_APP_PASSWORD and TEAMS_TENANT_ID (always in production, `bot.settings` insists) inbound
activities need a valid token — issuer, audience = the app id, expiry and signature checked by
`bot.teams.tokens`, the serviceUrl claim against the activity by the SDK's adapter — and outbound
calls carry an MSAL token. Without them (development
and tests only) activities are accepted unauthenticated and outbound calls carry a placeholder token:
the SDK's own anonymous provider returns "", on which its proactive path fails (notes/platforms.md).
"""

from __future__ import annotations

from dataclasses import dataclass

from azure.core.credentials import AccessToken
from azure.core.credentials_async import AsyncTokenCredential
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    ConnectionManager,
    Connections,
    OutboundHostValidator,
)

from bot.settings import Settings
from bot.teams.tokens import TokenCheck, trusted_sources

SERVICE_CONNECTION = "SERVICE_CONNECTION"
# Far in the future: the placeholder never expires (seconds since the epoch, as AccessToken wants).
_NEVER = 2**31 - 1
_PLACEHOLDER = "nudgebot-development-no-credentials"


class _Credential(AsyncTokenCredential):
    async def get_token(self, *scopes: str, **kwargs: object) -> AccessToken:
        return AccessToken(_PLACEHOLDER, _NEVER)

    async def close(self) -> None:
        return None

    async def __aexit__(self, *args: object) -> None:
        return None


class PlaceholderTokenProvider(AccessTokenProviderBase):
    """Outbound token for development: non-empty, so the SDK sends it; worthless anywhere real."""

    def __init__(self, configuration: AgentAuthConfiguration) -> None:
        self._configuration = configuration

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        return _PLACEHOLDER

    def get_token_credential(self) -> AsyncTokenCredential:
        return _Credential()


@dataclass(frozen=True)
class TeamsAuth:
    config: AgentAuthConfiguration
    connections: Connections
    verified: bool
    check: TokenCheck

    @property
    def host_validator(self) -> OutboundHostValidator:
        """Verified: only Microsoft's Bot Connector hosts as `serviceUrl`, and the token's serviceUrl
        claim must name the activity's host (the SDK only warns about a mismatch when this is off)."""
        return OutboundHostValidator(enabled=self.verified)

    def adapter(self) -> CloudAdapter:
        return CloudAdapter(connection_manager=self.connections, host_validator=self.host_validator)


def teams_auth(settings: Settings) -> TeamsAuth:
    app_id = settings.teams_app_id or ""
    password = settings.teams_app_password.get_secret_value() if settings.teams_app_password else ""
    tenant = settings.teams_tenant_id or ""
    sources = trusted_sources(
        tenant_id=tenant,
        bot_framework_metadata=settings.teams_openid_metadata_url,
        tenant_metadata=settings.teams_tenant_metadata_url,
    )
    if password and tenant:
        config = AgentAuthConfiguration(
            client_id=app_id, tenant_id=tenant, client_secret=password, anonymous_allowed=False
        )
        manager: Connections = MsalConnectionManager(connections_configurations={SERVICE_CONNECTION: config})
        check = TokenCheck(app_id=app_id, sources=sources)
        return TeamsAuth(config=config, connections=manager, verified=True, check=check)
    if settings.environment == "production":
        # `Settings` refuses this already; a second guard costs nothing and keeps the check local.
        raise ValueError("Teams in production needs TEAMS_APP_PASSWORD and TEAMS_TENANT_ID")
    config = AgentAuthConfiguration(client_id=app_id, anonymous_allowed=True)
    manager = ConnectionManager(
        provider_factory=PlaceholderTokenProvider, connections_configurations={SERVICE_CONNECTION: config}
    )
    # Development: an activity with no token is let in; one with a token must still pass the check.
    check = TokenCheck(app_id=app_id, sources=sources, anonymous_allowed=True)
    return TeamsAuth(config=config, connections=manager, verified=False, check=check)
