import { formatSize } from '../../api/imageRequest.js';
import type { Capabilities, ProviderModel } from '../../catalog/types.js';
import { tryLoadWorkflow, type Workflow } from './workflow.js';

/**
 * The one model a ComfyUI server offers here: the configured workflow (COMFYUI_WORKFLOW, or the
 * bundled text-to-image one), named after its file. What it can do follows from the workflow's
 * slots (workflow.ts): image edits only with an image slot, extras only where the graph takes them.
 * It runs on the operator's own GPU, so it is free unless the config file prices it.
 */

export const PRICE_SOURCE = 'self-hosted: set a price in the config file to charge for it';

const SIZES = { kind: 'range', min: 64, max: 4096, multipleOf: 8 } as const;

/** Extras a request may send, by the slot that takes them. */
const EXTRA_SLOTS = { seed: 'seed', steps: 'steps', cfg: 'cfg', negative_prompt: 'negative_prompt' } as const;
export const KNOWN_EXTRAS = Object.keys(EXTRA_SLOTS) as Array<keyof typeof EXTRA_SLOTS>;

const fit = (value: number) => Math.min(SIZES.max, Math.max(SIZES.min, Math.round(value / SIZES.multipleOf) * SIZES.multipleOf));

export function capabilitiesFor(workflow: Workflow | undefined): Capabilities {
  const slots = workflow?.slots ?? new Set();
  const own = workflow?.defaultSize;
  const edit = slots.has('image');
  return {
    sizes: { ...SIZES },
    // The workflow's own latent size where it has a literal one; the bundled SD 1.5 workflow's is 512x512.
    defaultSize: own ? formatSize({ width: fit(own.width), height: fit(own.height) }) : '1024x1024',
    listedSizes: ['auto', '512x512', '768x768', '1024x1024', '1152x896', '896x1152', '1216x832', '832x1216'],
    quality: false,
    edit,
    mask: false, // no mask slot: a workflow that inpaints reads its mask from its own nodes
    maxImagesPerCall: 8,
    maxInputImages: edit ? 1 : 0,
    promptRequired: false,
    maxPromptLength: 32000,
    outputFormats: ['webp', 'jpeg', 'png'], // SaveImage writes PNG; the pipeline transcodes
    transparentBackground: false,
    extras: KNOWN_EXTRAS.filter((extra) => slots.has(EXTRA_SLOTS[extra])),
  };
}

/** The catalog entry for the workflow the environment configures (an unusable one leaves the provider unavailable). */
export function modelsFor(env: Record<string, string | undefined>): ProviderModel[] {
  const workflow = tryLoadWorkflow(env);
  const name = !workflow ? 'ComfyUI workflow'
    : workflow.name === 'default' && !env.COMFYUI_WORKFLOW?.trim() ? `ComfyUI: default text-to-image workflow (${env.COMFYUI_CHECKPOINT?.trim() || 'SD 1.5'})`
      : `ComfyUI workflow: ${workflow.name}`;
  return [
    {
      model: { id: 'comfyui/workflow', name, aliases: ['comfyui'], releaseDate: '2023-01-16', curatedRank: 90 }, // ComfyUI's first public release
      offer: { upstreamModel: workflow?.name ?? 'workflow', price: { type: 'free' }, priceSource: PRICE_SOURCE, capabilities: capabilitiesFor(workflow) },
    },
  ];
}

/** Built from the server's environment at start, like the adapter's settings. */
export const models: ProviderModel[] = modelsFor(process.env);
