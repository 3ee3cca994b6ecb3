import { Global, Module } from '@nestjs/common';
import { GatewaysRepository } from './gateways.repository.js';
import { GatewaysService } from './gateways.service.js';

@Global()
@Module({ providers: [GatewaysRepository, GatewaysService], exports: [GatewaysService] })
export class GatewaysModule {}
