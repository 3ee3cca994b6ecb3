import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfigOrExit } from '@gatehouse/config';
import { WorkerModule } from './worker.module.js';

const env = loadConfigOrExit();
const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(env), { bufferLogs: true });
app.useLogger(app.get(Logger));
app.enableShutdownHooks();
await app.init();
