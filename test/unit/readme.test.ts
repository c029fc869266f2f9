import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODELS } from '../../src/catalog/models.js';
import { PROVIDER_MODULES } from '../../src/providers/registry.js';
import { ROOT } from '../helpers/cli.js';

// The README is the documentation users read: it must name every model, provider and setting.
const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

describe('the README', () => {
  it('lists every model of the catalog with every provider that serves it', () => {
    for (const model of MODELS) {
      for (const offer of model.providers) {
        expect(readme, `${model.id} via ${offer.provider}`).toContain(`| \`${model.id}\` | ${offer.provider} | \`${offer.upstreamModel}\``);
      }
    }
  });

  it('has a row for every provider with its environment variables', () => {
    for (const module of PROVIDER_MODULES.filter((m) => m.id !== 'test')) {
      const row = readme.split('\n').find((line) => line.startsWith(`| ${module.name} | \`${module.id}\` |`));
      expect(row, module.id).toBeDefined();
      expect(row).toContain(`\`${module.envPrefix}_BASE_URL\``);
    }
  });

  it('documents every environment variable the server reads', () => {
    const config = fs.readFileSync(path.join(ROOT, 'src/config.ts'), 'utf8');
    const variables = new Set([...config.matchAll(/env\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    expect(variables.size).toBeGreaterThan(10);
    for (const variable of variables) expect(readme, variable).toContain(`\`${variable}\``);
  });
});
