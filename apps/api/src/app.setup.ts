import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { Server } from 'node:http';
import { json, urlencoded, type Express } from 'express';
import { Logger } from 'nestjs-pino';
import type { Env } from '@gatehouse/config';
import { AppModule } from './app.module.js';
import { DirectRoutes } from './data-plane/direct-routes.service.js';
import { metricsMiddleware } from './health/metrics.js';
import { bodyLimitBytes, typedBodyErrors } from './http/body-errors.js';
import { requestLoggerMiddleware, rootLogger } from './http/logger.options.js';
import { requestIdMiddleware } from './http/request-id.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { buildOpenApiDocument } from './openapi.js';
import { adminKeyMiddleware } from './queue-board/admin-key.middleware.js';
import { QUEUE_BOARD_PATH, QueueBoard } from './queue-board/queue-board.js';

/** Builds the api exactly as production runs it; tests and the OpenAPI generator use it too. */
export async function createApp(env: Env, opts: { logs?: boolean } = {}): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(env), {
    bodyParser: false,
    bufferLogs: opts.logs !== false,
    abortOnError: false,
    ...(opts.logs === false ? { logger: false } : {}),
  });
  if (opts.logs !== false) app.useLogger(app.get(Logger));
  app.set('trust proxy', env.TRUST_PROXY);
  app.disable('x-powered-by');
  app.use(requestIdMiddleware);
  const log = rootLogger(env);
  app.use(requestLoggerMiddleware(log));
  app.use(metricsMiddleware);
  app.use(typedBodyErrors(json({ limit: env.BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] })));
  app.use(typedBodyErrors(urlencoded({ limit: env.BODY_LIMIT, extended: false, parameterLimit: 100 })));
  app.use(QUEUE_BOARD_PATH, adminKeyMiddleware(env.ADMIN_API_KEY), app.get(QueueBoard).router());
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();

  // The data plane's hot requests are served in front of Express (see DirectRoutes); all others reach it as before.
  const server: Server = app.getHttpServer();
  const express: Express = app.getHttpAdapter().getInstance();
  if (!server.listeners('request').includes(express)) throw new Error('the HTTP server does not hand requests to Express directly');
  server.removeListener('request', express);
  server.on('request', app.get(DirectRoutes).listener(express, bodyLimitBytes(env.BODY_LIMIT), log));

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('swagger', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: undefined });
  return app;
}
