/**
 * Where xAI's image API lives and how it is called: Bearer auth, JSON both ways. Edits are JSON too
 * ("the xAI API requires application/json", so not OpenAI's multipart /images/edits).
 * https://docs.x.ai/developers/model-capabilities/images/generation
 */

// xAI copies OpenAI's paths (/images/generations, /images/edits), so the URLs are built the same way.
// Only the body differs: xAI's edits take input images as `image: {url}` or, for several,
// `images: [{url}]` (data URIs allowed), in JSON.
export { endpointUrl, type Endpoint } from '../openai/api.js';

export const DEFAULT_BASE_URL = 'https://api.x.ai/v1';

export const authHeaders = (apiKey: string) => ({ authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' });
