/**
 * Where Vertex AI (Google Cloud's "Gemini Enterprise Agent Platform") serves Google's image models and how
 * it is called: `POST {base}/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent`
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference) or `...:predict` for Imagen
 * (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/imagen-api), with an OAuth access
 * token as `Authorization: Bearer` (see auth.ts). The bodies are the Gemini API's (src/providers/google).
 */

/** Regional endpoints are `{location}-aiplatform.googleapis.com`; `{location}` is filled from VERTEX_LOCATION. */
export const DEFAULT_BASE_URL = 'https://{location}-aiplatform.googleapis.com/v1';
/** The `global` location has no regional host (https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations). */
export const GLOBAL_BASE_URL = 'https://aiplatform.googleapis.com/v1';
export const DEFAULT_LOCATION = 'us-central1';

/** The endpoint base for a location: the default regional host (or the global one), or VERTEX_BASE_URL as given. */
export function resolveBaseUrl(baseUrl: string, location: string): string {
  const template = baseUrl === DEFAULT_BASE_URL && location === 'global' ? GLOBAL_BASE_URL : baseUrl;
  return template.replaceAll('{location}', location).replace(/\/+$/, '');
}

const modelUrl = (baseUrl: string, project: string, location: string, model: string) =>
  `${baseUrl}/projects/${encodeURIComponent(project)}/locations/${encodeURIComponent(location)}/publishers/google/models/${encodeURIComponent(model)}`;

/** Gemini image models ("Nano Banana"). */
export const generateContentUrl = (baseUrl: string, project: string, location: string, model: string) => `${modelUrl(baseUrl, project, location, model)}:generateContent`;

/** Imagen. */
export const predictUrl = (baseUrl: string, project: string, location: string, model: string) => `${modelUrl(baseUrl, project, location, model)}:predict`;

export const bearerHeaders = (accessToken: string) => ({ authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' });
