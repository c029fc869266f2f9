import { defineConfig } from 'vite';

// Run as `vite build web` (root = this folder): the dashboard is built into web/dist, which the
// server serves at `/`. `vite web` serves it with hot reload and sends API calls to a local server.
const api = 'http://127.0.0.1:8080';

export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The page must work offline and under a strict CSP: no inline scripts, every asset a file.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    target: 'es2022',
  },
  server: {
    proxy: Object.fromEntries(['/v1', '/storage', '/operations', '/health'].map((prefix) => [prefix, api])),
  },
});
