import { h, uid } from '../dom.js';

export const MAX_INPUT_IMAGES = 16;

/** Input images for image-to-image: dropped or chosen, shown as thumbnails, each removable. */
export class InputImages {
  readonly element: HTMLElement;
  private files: Array<{ file: File; url: string }> = [];
  private readonly thumbs = h('ul', { class: 'thumbs', 'aria-label': 'Input images' });
  private readonly note = h('p', { class: 'hint', 'aria-live': 'polite' });
  private readonly input: HTMLInputElement;
  private listeners: Array<() => void> = [];

  constructor() {
    const id = uid('images');
    this.input = h('input', { type: 'file', id, class: 'file-input', accept: 'image/png,image/jpeg,image/webp,image/gif,image/avif', multiple: true });
    this.input.addEventListener('change', () => {
      this.add([...(this.input.files ?? [])]);
      this.input.value = ''; // choosing the same file again still counts
    });
    const zone = h('div', { class: 'dropzone' },
      h('p', null, 'Drop up to 16 images here, or '),
      this.input,
      h('label', { for: id, class: 'button secondary' }, 'Choose images'),
    );
    zone.addEventListener('dragover', (event) => {
      event.preventDefault();
      zone.classList.add('dragging');
    });
    zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
    zone.addEventListener('drop', (event) => {
      event.preventDefault();
      zone.classList.remove('dragging');
      this.add([...(event.dataTransfer?.files ?? [])]);
    });
    this.element = h('fieldset', { class: 'inputs' },
      h('legend', null, 'Input images (optional)'),
      h('p', { class: 'hint' }, 'With images the request goes to /edits as multipart; the first image can take a mask.'),
      zone, this.note, this.thumbs);
  }

  get list(): File[] {
    return this.files.map((f) => f.file);
  }

  onChange(listener: () => void) {
    this.listeners.push(listener);
  }

  add(files: File[]) {
    const images = files.filter((f) => f.type.startsWith('image/'));
    const room = MAX_INPUT_IMAGES - this.files.length;
    const taken = images.slice(0, Math.max(0, room));
    const skipped = files.length - taken.length;
    this.note.textContent = skipped > 0 ? `${skipped} file(s) left out: only images, at most ${MAX_INPUT_IMAGES}.` : '';
    this.files.push(...taken.map((file) => ({ file, url: URL.createObjectURL(file) })));
    this.render();
  }

  remove(index: number) {
    const [removed] = this.files.splice(index, 1);
    if (removed) URL.revokeObjectURL(removed.url);
    this.note.textContent = '';
    this.render();
    // Keep the keyboard user near where they were.
    const buttons = this.thumbs.querySelectorAll<HTMLButtonElement>('button');
    (buttons[Math.min(index, buttons.length - 1)] ?? this.input).focus();
  }

  private render() {
    this.thumbs.replaceChildren(...this.files.map(({ file, url }, index) => h('li', { class: 'thumb' },
      h('img', { src: url, alt: `Input ${index + 1}: ${file.name}` }),
      h('span', { class: 'thumb-label' }, index === 0 ? '1 · mask' : String(index + 1)),
      h('button', { type: 'button', class: 'remove', 'aria-label': `Remove image ${index + 1} (${file.name})`, onclick: () => this.remove(index) }, '×'),
    )));
    for (const listener of this.listeners) listener();
  }
}
