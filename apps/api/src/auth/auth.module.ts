import { Module } from '@nestjs/common';
import { AdminKeyGuard } from './admin-key.guard.js';
import { CredentialGuard } from './credential.guard.js';

@Module({
  providers: [CredentialGuard, AdminKeyGuard],
  exports: [CredentialGuard, AdminKeyGuard],
})
export class AuthModule {}
