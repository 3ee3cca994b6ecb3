import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorCapturingSqlMigrationAwareDriverAdapterFactory, ErrorRegistry } from '@prisma/driver-adapter-utils';
import type {
  ApplyMigrationsInput,
  ApplyMigrationsOutput,
  DiffParams,
  DiffResult,
  SchemaEngine as WasmSchemaEngine,
} from '@prisma/schema-engine-wasm';

export type { DiffTarget, MigrationDirectory, MigrationList, SchemaFilter } from '@prisma/schema-engine-wasm';

/** The few engine commands Gatehouse uses; everything else stays out of reach on purpose. */
export interface SchemaEngine {
  applyMigrations(input: ApplyMigrationsInput): Promise<ApplyMigrationsOutput>;
  diff(params: DiffParams): Promise<DiffResult>;
  /** Releases the Wasm-side engine; connections belong to whoever built the adapter. */
  close(): void;
}

/** An engine failure with the Rust span trace stripped, fit for a one-line CLI message. */
export class SchemaEngineError extends Error {
  override name = 'SchemaEngineError';
}

type EngineRuntime = typeof import('@prisma/schema-engine-wasm/schema_engine_bg');

// @types/node 20 does not declare the WebAssembly global, so only what is used is typed here.
interface WasmGlobal {
  instantiate(bytes: Uint8Array, imports: Record<string, unknown>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

const isCallable = (value: unknown): value is (...args: unknown[]) => unknown => typeof value === 'function';

let lastPanic: string | undefined;
let runtime: Promise<EngineRuntime> | undefined;

/**
 * schema_engine.js imports the .wasm file as an ES module, which plain Node
 * (and Jest's VM modules) cannot do; the bindings module is loaded instead and
 * the bytes instantiated by hand. Once per module registry: wasm-bindgen keeps
 * the instance in module state, and a second instantiation would clobber it.
 */
function loadRuntime(): Promise<EngineRuntime> {
  runtime ??= (async () => {
    // The bindings call this on a Rust panic; without it the reason is lost.
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
      set_message: (message: string) => {
        lastPanic = message;
      },
    };
    const bindingsPath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bindings = await import('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(bindingsPath), 'schema_engine_bg.wasm'));
    const wasm = (globalThis as unknown as { WebAssembly: WasmGlobal }).WebAssembly;
    const { instance } = await wasm.instantiate(bytes, { './schema_engine_bg.js': withUnrefTimers(bindings) });
    bindings.__wbg_set_wasm(instance.exports);
    const start = instance.exports.__wbindgen_start;
    if (!isCallable(start)) throw new SchemaEngineError('schema engine wasm has no __wbindgen_start export');
    start();
    return bindings;
  })();
  return runtime;
}

/**
 * The engine arms timeouts it never clears (the 10 s advisory-lock timeout
 * among them), which kept every caller alive 10 s after its work was done.
 * Unref'd they no longer do; open connections keep the loop alive meanwhile.
 */
function withUnrefTimers(bindings: EngineRuntime): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...bindings };
  for (const [name, value] of Object.entries<unknown>(bindings)) {
    if (!name.startsWith('__wbg_setTimeout_') || !isCallable(value)) continue;
    imports[name] = (...args: unknown[]): unknown => {
      const timer = value(...args);
      if (typeof timer === 'object' && timer !== null && 'unref' in timer && isCallable(timer.unref)) timer.unref();
      return timer;
    };
  }
  return imports;
}

function toEngineError(err: unknown, registry: ErrorRegistry): SchemaEngineError {
  if (lastPanic !== undefined) return new SchemaEngineError(`schema engine panicked: ${lastPanic}`);
  const raw = err instanceof Error ? err.message : String(err);
  // Engine messages end with a numbered tracing span list ("   0: schema_engine_wasm::...").
  const message = raw
    .split(/\n\s+\d+: /)[0]
    // JS errors thrown inside the adapter reach the engine only as an id into the registry.
    .replace(/External error id#(\d+)/g, (ref, id: string) => {
      const original = registry.consumeError(Number(id))?.error;
      return original instanceof Error ? original.message : ref;
    })
    .trim();
  return new SchemaEngineError(message || 'schema engine failed without a message');
}

export interface OpenSchemaEngineOptions {
  /** Bound with bindMigrationAwareSqlAdapterFactory; connectToShadowDb is used by `diff` from migrations. */
  adapter: ErrorCapturingSqlMigrationAwareDriverAdapterFactory;
  /** [path, content] pairs of the Prisma schema files. */
  schemaFiles: [string, string][];
  /** Receives the engine's JSON log lines. */
  onLog?: (line: string) => void;
}

export async function openSchemaEngine({ adapter, schemaFiles, onLog }: OpenSchemaEngineOptions): Promise<SchemaEngine> {
  const { SchemaEngine: Engine } = await loadRuntime();
  const log = onLog ?? (() => undefined);
  // datamodels must be undefined or non-empty, never [].
  const datamodels = schemaFiles.length > 0 ? schemaFiles : undefined;
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (err) {
      throw toEngineError(err, adapter.errorRegistry);
    }
  };
  const engine: WasmSchemaEngine = await guarded(() => Engine.new({ datamodels }, log, adapter));
  return {
    // Called on the instance each time: a detached method loses its Wasm pointer.
    applyMigrations: (input) => guarded(() => engine.applyMigrations(input)),
    diff: (params) => guarded(() => engine.diff(params)),
    close: () => engine.free(),
  };
}
