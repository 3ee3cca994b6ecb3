import { Global, Module } from '@nestjs/common';
import { ApiKeysRepository } from './api-keys.repository.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthenticatorService } from './authenticator.service.js';
import { ClientCredentialsGrant } from './client-credentials.grant.js';
import { CredentialBindingsRepository } from './credential-bindings.repository.js';
import { CredentialCache } from './credential-cache.js';
import { LastUsedTracker } from './last-used.tracker.js';
import { MembersRepository } from './members.repository.js';
import { MembersService } from './members.service.js';
import { OAuthClientsRepository } from './oauth-clients.repository.js';
import { OAuthClientsService } from './oauth-clients.service.js';
import { TokenService } from './token.service.js';

@Global()
@Module({
  providers: [
    ApiKeysRepository, ApiKeysService, AuthenticatorService, CredentialBindingsRepository, CredentialCache, LastUsedTracker,
    MembersRepository, MembersService, OAuthClientsRepository, OAuthClientsService, TokenService, ClientCredentialsGrant,
  ],
  exports: [ClientCredentialsGrant, ApiKeysService, AuthenticatorService, CredentialCache, LastUsedTracker, MembersService, OAuthClientsService, TokenService],
})
export class CredentialsModule {}
