import 'reflect-metadata';
import { loadConfigOrExit } from '@gatehouse/config';
import { createApp } from './app.setup.js';

const env = loadConfigOrExit();
const app = await createApp(env);
await app.listen(env.PORT, env.HOST);
