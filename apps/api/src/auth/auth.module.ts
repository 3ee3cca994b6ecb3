import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AdminKeyGuard } from './admin-key.guard.js';
import { CredentialGuard } from './credential.guard.js';
import { CredentialStrategy } from './credential.strategy.js';

@Module({
  imports: [PassportModule],
  providers: [CredentialStrategy, CredentialGuard, AdminKeyGuard],
  exports: [CredentialGuard, AdminKeyGuard],
})
export class AuthModule {}
