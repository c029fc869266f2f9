/**
 * Where the Gemini API lives and how it is called: one API key in the `x-goog-api-key` header
 * (https://ai.google.dev/api), JSON both ways.
 */

export const DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com/v1beta';

/** Gemini image models ("Nano Banana"): https://ai.google.dev/api/generate-content */
export const generateContentUrl = (baseUrl: string, model: string) => `${trimSlash(baseUrl)}/models/${encodeURIComponent(model)}:generateContent`;

/** Imagen: https://ai.google.dev/gemini-api/docs/imagen */
export const predictUrl = (baseUrl: string, model: string) => `${trimSlash(baseUrl)}/models/${encodeURIComponent(model)}:predict`;

export const authHeaders = (apiKey: string) => ({ 'x-goog-api-key': apiKey, 'content-type': 'application/json' });

const trimSlash = (url: string) => url.replace(/\/+$/, '');
