/**
 * Import direction (ARCHITECTURE.md): shared <- db <- server <- app(.server).
 * Run by `npm run lint` (after `tsc --noEmit`) over app server db shared.
 *
 * What counts as browser code in app/: every file except `*.server.ts(x)`, `app/entry.server.tsx`,
 * and the loader/action half of route modules (see below). Remix's Vite plugin refuses to put a
 * `.server` module into the client bundle, so those may import server/ and db/ freely.
 *
 * Route modules (`app/root.tsx`, `app/routes/**`) may import server/ (services, auth): their loaders and
 * actions call services (ARCHITECTURE: "app/routes (loader/action) -> server/services"), and Remix
 * removes `loader`/`action` and the imports only they use from the client bundle. They may not import
 * db/ directly: data goes through a service, which runs withActor (RLS) and the policy.
 * Other browser code (components, hooks, app/lib/*.ts, entry.client) imports shared/ only.
 *
 * `import type` is allowed across these edges where noted: types are erased at build time, so they
 * cannot carry server code into the browser (shared/ stays fully self-contained, types included).
 */

/** app files that run on the server only. */
const APP_SERVER_ONLY = ['\\.server\\.tsx?$', '^app/entry\\.server\\.tsx$'];
/** Route modules: their loader/action call server/ services. */
const APP_ROUTE_MODULES = ['^app/root\\.tsx$', '^app/routes/'];
const TESTS = '\\.test\\.tsx?$';

module.exports = {
  forbidden: [
    {
      name: 'shared-is-pure',
      comment: 'shared/ runs in the browser and in Node: it imports nothing from app/, server/ or db/ (not even types).',
      severity: 'error',
      from: { path: '^shared/', pathNot: TESTS },
      to: { path: '^(app|server|db)/' },
    },
    {
      name: 'shared-no-node-builtins',
      comment: 'shared/ runs in the browser: no Node core modules.',
      severity: 'error',
      from: { path: '^shared/', pathNot: TESTS },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'db-not-to-app-or-server',
      comment: 'db/ imports kysely, pg, PGlite and shared/ only.',
      severity: 'error',
      from: { path: '^db/', pathNot: TESTS },
      to: { path: '^(app|server)/' },
    },
    {
      name: 'server-not-to-app',
      comment: 'server/ never imports app/ (the built Remix bundle is loaded at run time from build/).',
      severity: 'error',
      from: { path: '^server/', pathNot: TESTS },
      to: { path: '^app/' },
    },
    {
      name: 'app-browser-not-to-server-or-db',
      comment:
        'Browser code in app/ (components, hooks, app/lib/*.ts, entry.client) imports shared/ only; ' +
        'put server calls in a loader/action or a *.server.ts module. `import type` is allowed.',
      severity: 'error',
      from: { path: '^app/', pathNot: [...APP_SERVER_ONLY, ...APP_ROUTE_MODULES, TESTS] },
      to: { path: '^(server|db)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'app-routes-not-to-db',
      comment:
        'Route modules reach data through server/services (withActor + policy), not db/ directly; ' +
        'a *.server.ts helper may. `import type` is allowed.',
      severity: 'error',
      from: { path: APP_ROUTE_MODULES, pathNot: [...APP_SERVER_ONLY, TESTS] },
      to: { path: '^db/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'no-circular',
      comment:
        'Circular imports make load order fragile (undefined at import time); break the cycle. ' +
        'A cycle made only of `import type` edges is erased at build time and allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that does not resolve to a file or an installed package.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
    {
      name: 'no-non-package-json',
      comment: 'An npm package that is not declared in package.json.',
      severity: 'error',
      from: {},
      to: { dependencyTypes: ['npm-no-pkg', 'npm-unknown'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Count `import type` too (shared/ must stay pure); rules above exempt type-only edges where they may.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    exclude: { path: '^(node_modules|build)/' },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
