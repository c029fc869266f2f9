// Runs Portkey's gateway (@portkey-ai/gateway, installed in bench/ only) as its own Node server,
// as `npx @portkey-ai/gateway --port=N --headless` does, but exits when the bench goes away.
// Usage (fork): node portkey.mjs --port=<port> --headless
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

process.on('disconnect', () => process.exit(0));
const pkg = createRequire(import.meta.url).resolve('@portkey-ai/gateway/package.json');
await import(pathToFileURL(path.join(path.dirname(pkg), 'build/start-server.js')).href);
