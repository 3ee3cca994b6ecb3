import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { findRepoRoot } from '@gatehouse/common';

/** The api in its own OS process (test/fixtures/api-process.mjs), sharing the test's Postgres and Redis. */
export interface ApiProcess {
  /** http://127.0.0.1:<port> */
  url: string;
  process: ChildProcess;
  /** Ends the process: SIGTERM (a graceful shutdown) or SIGKILL (a crash). */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

/** Starts the api from the sources in a child process with this process's environment plus `overrides`; resolves once it listens. */
export async function startApiProcess(overrides: Record<string, string> = {}, timeoutMs = 60_000): Promise<ApiProcess> {
  const script = join(findRepoRoot(), 'test/fixtures/api-process.mjs');
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...overrides }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the api process did not start within ${timeoutMs} ms`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      resolve(Number(m[1]));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      reject(new Error(`the api process exited (${code ?? signal}) before listening`));
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
  child.stdout.resume();
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill(signal);
      await exited;
    },
  };
}
