import type { ModelEntry } from '../catalog/types.js';
import type { ProviderModule } from './module.js';
import { automatic1111Module } from './automatic1111/index.js';
import { bflModule } from './bfl/index.js';
import { comfyuiModule } from './comfyui/index.js';
import { deepinfraModule } from './deepinfra/index.js';
import { falModule } from './fal/index.js';
import { googleModule } from './google/index.js';
import { openaiModule } from './openai/index.js';
import { openrouterModule } from './openrouter/index.js';
import { replicateModule } from './replicate/index.js';
import { runwareModule } from './runware/index.js';
import { stabilityModule } from './stability/index.js';
import { testModule } from './test/module.js';
import { togetherModule } from './together/index.js';
import { vertexModule } from './vertex/index.js';
import { xaiModule } from './xai/index.js';
import type { ImageProvider, ProviderSettings } from './types.js';

/**
 * Every provider the server knows, in default priority order: where several serve the same model,
 * the earlier one is tried first (routing strategies and the config file can change that).
 */
export const PROVIDER_MODULES: ProviderModule[] = [
  testModule,
  // Makers' own APIs first, so a model's official provider is its default.
  openaiModule, googleModule, vertexModule, bflModule, stabilityModule, xaiModule,
  // Hosts and aggregators.
  falModule, replicateModule, runwareModule, togetherModule, deepinfraModule, openrouterModule,
  // Self-hosted servers, enabled by their base URL.
  automatic1111Module, comfyuiModule,
];

type Env = Record<string, string | undefined>;

/** Adapters built from `<PREFIX>_API_KEY` / `<PREFIX>_BASE_URL`; one without a key stays unavailable. */
export function buildProviders(modules: ProviderModule[], env: Env, shared: Omit<ProviderSettings, 'apiKey' | 'baseUrl'>): Map<string, ImageProvider> {
  return new Map(modules.map((m) => [m.id, m.create({
    ...shared,
    apiKey: env[m.apiKeyEnv ?? `${m.envPrefix}_API_KEY`] || undefined,
    baseUrl: (env[`${m.envPrefix}_BASE_URL`] || m.defaultBaseUrl).replace(/\/+$/, ''),
    baseUrlConfigured: Boolean(env[`${m.envPrefix}_BASE_URL`]),
    env,
  })]));
}

/** The catalog: every module's models, offers of the same model id merged in module order. */
export function mergeModels(modules: ProviderModule[]): ModelEntry[] {
  const byId = new Map<string, ModelEntry>();
  for (const module of modules) {
    for (const { model, offer } of module.models) {
      const entry = byId.get(model.id);
      if (entry) {
        entry.providers.push({ ...offer, provider: module.id });
        for (const alias of model.aliases ?? []) if (!entry.aliases.includes(alias)) entry.aliases.push(alias);
        entry.curatedRank = Math.min(entry.curatedRank, model.curatedRank);
      } else {
        byId.set(model.id, { ...model, aliases: [...(model.aliases ?? [])], providers: [{ ...offer, provider: module.id }] });
      }
    }
  }
  return [...byId.values()];
}
