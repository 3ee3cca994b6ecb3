import { Global, Module } from '@nestjs/common';
import { ConnectorsRepository } from './connectors.repository.js';
import { ConnectorsService } from './connectors.service.js';

@Global()
@Module({ providers: [ConnectorsRepository, ConnectorsService], exports: [ConnectorsService] })
export class ConnectorsModule {}
