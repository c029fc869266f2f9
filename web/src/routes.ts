import { keysPage } from './pages/keys.js';
import { modelsPage } from './pages/models.js';
import type { PageDefinition } from './pages/page.js';
import { playgroundPage } from './pages/playground.js';
import { usagePage } from './pages/usage.js';

/** The dashboard's pages; the server answers index.html for each path, so links and reloads work. */
export const ROUTES: PageDefinition[] = [
  { path: '/', label: 'Playground', create: playgroundPage, keepAlive: true },
  { path: '/models', label: 'Models', create: modelsPage },
  { path: '/usage', label: 'Usage', create: usagePage },
  { path: '/keys', label: 'Keys & credits', create: keysPage },
];

export const findRoute = (pathname: string) => ROUTES.find((r) => r.path === (pathname.replace(/\/+$/, '') || '/'));
