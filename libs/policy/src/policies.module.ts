import { Global, Module } from '@nestjs/common';
import { PoliciesRepository } from './policies.repository.js';
import { PoliciesService } from './policies.service.js';

@Global()
@Module({ providers: [PoliciesRepository, PoliciesService], exports: [PoliciesService] })
export class PoliciesModule {}
