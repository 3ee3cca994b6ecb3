import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';
import { ApiErrors } from '../http/api-errors.decorator.js';
import { AdminKeyGuard } from './admin-key.guard.js';

/** A platform-admin route, guarded by ADMIN_API_KEY. */
export function PlatformAdmin(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(AdminKeyGuard), ApiBearerAuth('admin'), ApiErrors(401));
}
