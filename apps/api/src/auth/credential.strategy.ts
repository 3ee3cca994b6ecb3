import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { AuthenticatorService, type Principal } from '@gatehouse/credentials';

export const CREDENTIAL_STRATEGY = 'credential';

/** API key (Bearer or X-API-Key) or OAuth access token (Bearer). */
@Injectable()
export class CredentialStrategy extends PassportStrategy(Strategy, CREDENTIAL_STRATEGY) {
  constructor(private readonly authenticator: AuthenticatorService) {
    super();
  }

  validate(req: Request): Promise<Principal> {
    const apiKey = req.headers['x-api-key'];
    return this.authenticator.authenticate({
      authorization: req.headers.authorization,
      apiKey: typeof apiKey === 'string' ? apiKey : undefined,
    });
  }
}
