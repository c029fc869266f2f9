const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A spinner with elapsed seconds on a terminal; returns the function that erases it. Nothing is
 * drawn when the stream is not a TTY, so pipes, logs and tests see clean output.
 */
export function startSpinner(label: string, stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr): () => void {
  if (!stream.isTTY) return () => {};
  const started = Date.now();
  let frame = 0;
  const draw = () => stream.write(`\r${FRAMES[frame++ % FRAMES.length]} ${label} ${((Date.now() - started) / 1000).toFixed(1)}s`);
  draw();
  const timer = setInterval(draw, 100);
  return () => {
    clearInterval(timer);
    stream.write('\r\x1b[2K');
  };
}
