import { Global, Module } from '@nestjs/common';
import { EffectivePolicyService } from './effective-policy.service.js';
import { PolicyStoreRepository } from './policy-store.repository.js';

@Global()
@Module({ providers: [PolicyStoreRepository, EffectivePolicyService], exports: [EffectivePolicyService] })
export class EffectivePolicyModule {}
