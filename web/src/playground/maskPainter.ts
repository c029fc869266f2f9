import { h, uid } from '../dom.js';

/** The mask is painted at the image's own resolution, capped so a huge photo stays light. */
const MAX_MASK_SIDE = 2048;

/**
 * A brush over the first input image. Strokes are kept on a canvas laid over the picture; the PNG
 * sent is opaque, white where painted (change this) and black elsewhere (keep), the convention
 * test/test and most providers take for masks without transparency.
 */
export class MaskPainter {
  readonly element: HTMLElement;
  private readonly image = h('img', { alt: 'First input image, to paint the mask on' });
  private readonly canvas = h('canvas', { class: 'mask-canvas', 'aria-label': 'Mask: paint with the mouse, a pen or a finger' });
  private readonly brush = h('input', { type: 'range', min: 4, max: 160, value: 40, id: uid('brush') });
  private readonly state = h('span', { class: 'hint', 'aria-live': 'polite' }, 'Nothing painted: no mask is sent.');
  private painted = false;
  private last: { x: number; y: number } | null = null;
  private source: File | null = null;

  constructor() {
    const brushValue = h('output', { for: this.brush.id }, '40 px');
    this.brush.addEventListener('input', () => (brushValue.textContent = `${this.brush.value} px`));
    this.canvas.addEventListener('pointerdown', (event) => this.start(event));
    this.canvas.addEventListener('pointermove', (event) => this.move(event));
    for (const end of ['pointerup', 'pointercancel'] as const) this.canvas.addEventListener(end, () => (this.last = null));
    this.element = h('fieldset', { class: 'mask', hidden: true },
      h('legend', null, 'Mask (optional)'),
      h('p', { class: 'hint' }, 'Paint over the first image where the model should change it.'),
      h('div', { class: 'mask-stage' }, this.image, this.canvas),
      h('div', { class: 'mask-tools' },
        h('label', { for: this.brush.id }, 'Brush size'), this.brush, brushValue,
        h('button', { type: 'button', class: 'secondary', onclick: () => this.clear() }, 'Clear mask')),
      this.state);
  }

  get hasMask() {
    return this.painted;
  }

  /** Shows the first input image (or hides the painter without one); a new image starts a new mask. */
  setImage(file: File | undefined) {
    if (file === this.source) return;
    this.source = file ?? null;
    this.element.hidden = !file;
    if (this.image.src) URL.revokeObjectURL(this.image.src);
    this.clear();
    if (!file) {
      this.image.removeAttribute('src');
      return;
    }
    this.image.onload = () => {
      const scale = Math.min(1, MAX_MASK_SIDE / Math.max(this.image.naturalWidth, this.image.naturalHeight));
      this.canvas.width = Math.max(1, Math.round(this.image.naturalWidth * scale));
      this.canvas.height = Math.max(1, Math.round(this.image.naturalHeight * scale));
      this.clear();
    };
    this.image.src = URL.createObjectURL(file);
  }

  clear() {
    this.canvas.getContext('2d')?.clearRect(0, 0, this.canvas.width, this.canvas.height);
    this.painted = false;
    this.state.textContent = 'Nothing painted: no mask is sent.';
  }

  /** The mask as an opaque black-and-white PNG the size of the canvas; null when nothing is painted. */
  async toPng(): Promise<Blob | null> {
    if (!this.painted) return null;
    const { width, height } = this.canvas;
    const strokes = this.canvas.getContext('2d')!.getImageData(0, 0, width, height);
    const out = document.createElement('canvas');
    out.width = width;
    out.height = height;
    const context = out.getContext('2d')!;
    const mask = context.createImageData(width, height);
    for (let i = 0; i < strokes.data.length; i += 4) {
      // Brush edges are anti-aliased: half covered counts as painted.
      const value = strokes.data[i + 3]! >= 128 ? 255 : 0;
      mask.data[i] = mask.data[i + 1] = mask.data[i + 2] = value;
      mask.data[i + 3] = 255;
    }
    context.putImageData(mask, 0, 0);
    return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
  }

  /** Pointer position in canvas pixels (the canvas is shown scaled to the page). */
  private point(event: PointerEvent) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((event.clientX - rect.left) * this.canvas.width) / rect.width,
      y: ((event.clientY - rect.top) * this.canvas.height) / rect.height,
      scale: this.canvas.width / rect.width,
    };
  }

  private start(event: PointerEvent) {
    event.preventDefault();
    this.canvas.setPointerCapture(event.pointerId);
    const { x, y } = this.point(event);
    this.last = { x, y };
    this.stroke(event, x, y);
  }

  private move(event: PointerEvent) {
    if (!this.last) return;
    const { x, y } = this.point(event);
    this.stroke(event, x, y);
    this.last = { x, y };
  }

  private stroke(event: PointerEvent, x: number, y: number) {
    const context = this.canvas.getContext('2d')!;
    context.strokeStyle = context.fillStyle = '#ff2d78';
    context.lineCap = context.lineJoin = 'round';
    context.lineWidth = Number(this.brush.value) * this.point(event).scale;
    context.beginPath();
    context.moveTo(this.last!.x, this.last!.y);
    context.lineTo(x + 0.01, y); // a zero-length line draws nothing: nudge it into a dot
    context.stroke();
    if (!this.painted) {
      this.painted = true;
      this.state.textContent = 'The painted area is sent as the mask.';
    }
  }
}
