/**
 * Whether PNG, JPEG or WebP bytes run to their format's end marker: a cheap stand-in for decoding
 * the whole image, which costs milliseconds per megapixel on every request. It catches what goes
 * wrong in transit (a body cut short, bytes appended or lost), not corrupt data inside a complete file.
 * Other formats answer null: only a decode can tell.
 */
export function endsComplete(bytes: Buffer, format: string): boolean | null {
  switch (format) {
    case 'png': {
      // The last chunk is IEND: length 0, type, CRC. Nothing may follow it.
      const end = bytes.length - 12;
      return end >= 8 && bytes.readUInt32BE(end) === 0 && bytes.toString('latin1', end + 4, end + 8) === 'IEND';
    }
    case 'jpeg': {
      // End of image (FF D9); some encoders pad after it, so look at the last few bytes.
      const tail = bytes.subarray(Math.max(2, bytes.length - 32));
      for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
      return false;
    }
    case 'webp': {
      // RIFF's size field counts everything after its first 8 bytes (plus a pad byte when odd).
      if (bytes.length < 12) return false;
      const declared = bytes.readUInt32LE(4) + 8;
      return bytes.length === declared || bytes.length === declared + (declared % 2);
    }
    default:
      return null;
  }
}
