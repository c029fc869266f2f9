import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../../api/errors.js';
import { parseModelQuery } from '../../catalog/catalog.js';
import type { ModelEntry } from '../../catalog/types.js';
import type { Services } from '../services.js';

const modelNotFound = (id: string) => new ApiError(404, 'not_found_error', 'model_not_found', `Model '${id}' not found`, 'model');

/** OpenAI's model object: `created` is the release date in unix seconds, `owned_by` the vendor. */
const openAiModel = (model: ModelEntry) => ({
  id: model.id,
  object: 'model',
  created: Math.floor(Date.parse(`${model.releaseDate}T00:00:00Z`) / 1000),
  owned_by: model.id.split('/')[0],
});

export async function modelRoutes(app: FastifyInstance, { services }: { services: Services }) {
  const { catalog, usage } = services;
  const lookup = (request: FastifyRequest) => {
    const raw = (request.params as { '*': string })['*'];
    // The router has decoded the path once already: a lone '%' (from "%25") is not a second escape.
    let id = raw;
    try {
      id = decodeURIComponent(raw);
    } catch {
      // keep it as it is: an unknown id
    }
    const model = catalog.resolve(id);
    if (!model) throw modelNotFound(id);
    return model;
  };

  // ImageRouter's shape: an object keyed by model id.
  const open = { config: { public: true } };
  app.get('/v1/models', open, async (request) => {
    const query = parseModelQuery(request.query as Record<string, string | undefined>);
    const popularity = query.sort === 'popularity' || query.sort === undefined ? await usage.popularity() : new Map();
    return catalog.list(query, popularity);
  });
  app.get('/v1/models/*', open, async (request) => catalog.present(lookup(request)));

  // OpenAI's list shape, so SDKs with base URL /v1/openai can list models.
  app.get('/v1/openai/models', open, async () => ({ object: 'list', data: catalog.models.map(openAiModel) }));
  app.get('/v1/openai/models/*', open, async (request) => openAiModel(lookup(request)));

  app.post('/operations/get-popular-models', open, async () => {
    const popularity = await usage.popularity(7);
    return catalog.popular(popularity, 10).map((model) => ({ ...catalog.present(model), uses_last_7_days: popularity.get(model.id) ?? 0 }));
  });
}
