import type { PriceRule, ProviderModel } from '../../catalog/types.js';
import { imagenModels as geminiApiImagen, models as geminiApiModels } from '../google/models.js';

/**
 * Google's image models on Vertex AI. They are the models the Gemini API serves (same ids, so the
 * catalog merges the offers; same limits, so the capabilities are the google module's), at Vertex's
 * list prices in integer micro-USD. Gemini image models are billed by token, so they use `reported`
 * prices from `usageMetadata`, each ceiling the documented largest output plus a generous input
 * allowance (8,000 prompt tokens and every input image at its largest token count).
 *
 * The pricing page itself is not in the reachable copy; its rates are taken from transcriptions that
 * quote it (public pricing tables for Vertex, LiteLLM's `vertex_ai/` price map and its Nano Banana 2.1
 * post), and they match the Gemini API's paid tier.
 */

const PRICING_PAGE = 'https://cloud.google.com/vertex-ai/generative-ai/pricing';
const PRICE_SOURCE = `${PRICING_PAGE}, read 2026-11-21 (through transcriptions of its Gemini image and Imagen rows)`;

/** The Gemini API's declaration of a model, whose model data and capabilities Vertex shares. */
function geminiApi(id: string): ProviderModel {
  const declared = [...geminiApiModels, ...geminiApiImagen].find((m) => m.model.id === id);
  if (!declared) throw new Error(`vertex: the google module no longer declares ${id}`);
  return declared;
}

const tokens = (inputPerMillionMicros: number, outputPerMillionMicros: number, maxPerImageMicros: number): PriceRule => ({
  type: 'reported',
  maxPerImageMicros,
  tokens: { inputPerMillionMicros, imageInputPerMillionMicros: inputPerMillionMicros, outputPerMillionMicros },
});

/** A model served on Vertex as the Gemini API declares it, at Vertex's price. */
const sameAsGeminiApi = (id: string, price: PriceRule): ProviderModel => {
  const { model, offer } = geminiApi(id);
  return { model, offer: { upstreamModel: offer.upstreamModel, price, priceSource: PRICE_SOURCE, capabilities: offer.capabilities } };
};

export const models: ProviderModel[] = [
  // Nano Banana 2.1, on Vertex ("Agent Platform") from its release (LiteLLM serves it as vertex_ai/gemini-nano-banana-2.1,
  // location global). $1.50 / 1M input tokens, $30 / 1M image output tokens; ceiling as the google module's (4K at 3,780 tokens).
  sameAsGeminiApi('google/gemini-nano-banana-2.1', tokens(1_500_000, 30_000_000, 150_000)),
  // Nano Banana Pro, GA on Vertex 2026-05-28 (`gemini-3-pro-image-preview` deprecated, to be replaced before 2026-07-19).
  // $2 / 1M input tokens, $120 / 1M image output tokens ($0.134 per 1K/2K image, $0.24 per 4K).
  sameAsGeminiApi('google/gemini-3-pro-image', tokens(2_000_000, 120_000_000, 290_000)),
  {
    // Nano Banana 2: GA on Vertex 2026-05-28; Vertex's cookbook still lists it next to 2.1 and no Vertex shutdown
    // date was found (the Gemini API shut it down on 2026-10-29, so the google module does not declare it).
    // Same limits as Nano Banana 2.1, see params.ts.
    model: { id: 'google/gemini-3.1-flash-image', name: 'Nano Banana 2 (Gemini 3.1 Flash Image)', aliases: ['nano-banana-2'], releaseDate: '2026-02-26', curatedRank: 12 },
    offer: {
      upstreamModel: 'gemini-3.1-flash-image',
      // $0.50 / 1M input tokens, $60 / 1M image output tokens: 1,120 tokens at 1K ($0.067), 1,680 at 2K, 2,520 at 4K ($0.151).
      // Ceiling: 4K 151,200 + prompt 8,000 tokens 4,000 + 14 images x 1,120 tokens 7,840, rounded up.
      price: tokens(500_000, 60_000_000, 170_000),
      priceSource: PRICE_SOURCE,
      capabilities: geminiApi('google/gemini-nano-banana-2.1').offer.capabilities,
    },
  },
  // Nano Banana, GA 2025-10-02; kept while Vertex serves it, ranked below the current models (as in the google module).
  // $0.30 / 1M input tokens, $30 / 1M image output tokens (1,290 tokens, $0.039 per image).
  sameAsGeminiApi('google/gemini-2.5-flash-image', tokens(300_000, 30_000_000, 51_000)),
];

/**
 * Imagen 4 on Vertex, declared but not served. Vertex lists `imagen-4.0-generate-001`, `-ultra-` and
 * `-fast-` among its "Discontinued endpoints" (migrate to gemini-2.5-flash-image "before June 30, 2026",
 * https://cloud.google.com/vertex-ai/generative-ai/docs/models/imagen/4-0-generate), and Firebase's
 * migration guide says the Imagen shutdown applies to the Agent Platform (formerly Vertex AI) Gemini API
 * too (https://firebase.google.com/docs/ai-logic/imagen-models-migration). Imagen 3 and
 * `imagen-3.0-capability-001` (mask edits) are in the same table, so no edit offer is declared either.
 * The adapter still speaks `:predict` for them, should an operator's project still be served.
 * Prices: $0.04 / $0.06 / $0.02 per image, Vertex's list prices before the shutdown.
 */
export const imagenModels: ProviderModel[] = [
  sameAsGeminiApi('google/imagen-4', { type: 'fixed', perImageMicros: 40_000 }),
  sameAsGeminiApi('google/imagen-4-ultra', { type: 'fixed', perImageMicros: 60_000 }),
  sameAsGeminiApi('google/imagen-4-fast', { type: 'fixed', perImageMicros: 20_000 }),
];
