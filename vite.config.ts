import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig } from 'vitest/config';

declare module '@remix-run/node' {
  interface Future { v3_singleFetch: true }
}

export default defineConfig({
  plugins: process.env.VITEST
    ? []
    : [remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          // Off: the whole route manifest (some 30 routes) comes with the first page. Lazy discovery fetched
          // it link by link after every navigation, and a page left before that fetch ended logged
          // "Failed to fetch manifest patches" as an error in the console.
          v3_lazyRouteDiscovery: false,
        },
      })],
  optimizeDeps: {
    include: [
      'antd', '@ant-design/icons', '@ant-design/cssinjs', 'dayjs', 'socket.io-client',
      '@tiptap/react', '@tiptap/react/menus', '@tiptap/starter-kit', '@tiptap/extension-table', '@tiptap/extension-collaboration',
      '@tiptap/extension-collaboration-caret', '@tiptap/y-tiptap', 'yjs', 'y-websocket', 'y-indexeddb',
    ],
    exclude: ['@node-rs/argon2'],
  },
  test: {
    // Integration and browser tests start servers and databases: keep them to the 2 cores.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    projects: [
      { extends: true, test: { name: 'unit', include: ['{app,server,db,shared}/**/*.test.{ts,tsx}'], environment: 'node' } },
      {
        extends: true,
        test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], globalSetup: ['tests/setup/global.ts'], testTimeout: 30_000, hookTimeout: 120_000 },
      },
      {
        extends: true,
        test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], globalSetup: ['tests/setup/global.ts'], testTimeout: 60_000, hookTimeout: 180_000, poolOptions: { forks: { singleFork: true } } },
      },
    ],
  },
});
