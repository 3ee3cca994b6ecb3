import { Global, Module } from '@nestjs/common';
import { OrgsRepository } from './orgs.repository.js';
import { OrgsService } from './orgs.service.js';

@Global()
@Module({ providers: [OrgsRepository, OrgsService], exports: [OrgsService] })
export class OrgsModule {}
