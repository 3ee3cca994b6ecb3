// How SWC turns our TypeScript into runnable ESM (types stripped, decorator
// metadata emitted; tsc does the type checking): shared by Jest and by the
// module hooks that run a worker from the sources in tests.
export default {
  jsc: {
    target: 'es2023',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
    keepClassNames: true,
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};
