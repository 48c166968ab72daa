import { crc32, inflateSync } from 'node:zlib';

/** A decoded 8-bit RGB(A) PNG: `pixel(x, y)` is 0xRRGGBB. */
export interface Png {
  width: number;
  height: number;
  pixel(x: number, y: number): number;
}

const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * Decodes what a browser screenshot is: 8-bit truecolour (with or without alpha), not
 * interlaced. Anything else, a bad chunk CRC or a short image throws: a broken file must fail
 * the test that reads it, not pass as an empty picture.
 */
export function decodePng(file: Buffer): Png {
  if (!file.subarray(0, 8).equals(signature)) throw new Error('not a PNG');
  let offset = 8;
  let header: { width: number; height: number; channels: number } | undefined;
  const data: Buffer[] = [];
  for (;;) {
    if (offset + 12 > file.length) throw new Error('PNG ends before IEND');
    const length = file.readUInt32BE(offset);
    const type = file.toString('latin1', offset + 4, offset + 8);
    const body = file.subarray(offset + 8, offset + 8 + length);
    if (
      crc32(file.subarray(offset + 4, offset + 8 + length)) !==
      file.readUInt32BE(offset + 8 + length)
    ) {
      throw new Error(`bad CRC in ${type}`);
    }
    offset += 12 + length;
    if (type === 'IHDR') {
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || (colour !== 2 && colour !== 6) || interlace !== 0) {
        throw new Error(
          `unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`,
        );
      }
      header = {
        width: body.readUInt32BE(0),
        height: body.readUInt32BE(4),
        channels: colour === 6 ? 4 : 3,
      };
    } else if (type === 'IDAT') {
      data.push(body);
    } else if (type === 'IEND') {
      break;
    }
  }
  if (!header) throw new Error('PNG without IHDR');
  const { width, height, channels } = header;
  const stride = width * channels;
  const raw = inflateSync(Buffer.concat(data));
  if (raw.length !== height * (stride + 1)) throw new Error('PNG image data has the wrong size');
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const out = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : Buffer.alloc(stride);
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? out[i - channels]! : 0;
      const b = up[i]!;
      const c = i >= channels ? up[i - channels]! : 0;
      out[i] = (line[i]! + predict(filter, a, b, c)) & 0xff;
    }
  }
  return {
    width,
    height,
    pixel: (x, y) => {
      const i = y * stride + x * channels;
      return (pixels[i]! << 16) | (pixels[i + 1]! << 8) | pixels[i + 2]!;
    },
  };
}

function predict(filter: number | undefined, a: number, b: number, c: number): number {
  switch (filter) {
    case 0:
      return 0;
    case 1:
      return a;
    case 2:
      return b;
    case 3:
      return (a + b) >> 1;
    case 4: {
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
    default:
      throw new Error(`bad PNG filter ${filter}`);
  }
}

/**
 * How much is drawn in a box: the share of its pixels that stand out from its most common
 * colour (the background) by a luminance step text has and borders or tints do not, and how
 * many colours it holds.
 */
export function ink(
  png: Png,
  box: { x: number; y: number; width: number; height: number },
): { share: number; colours: number } {
  const counts = new Map<number, number>();
  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(png.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(png.height, Math.ceil(box.y + box.height));
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const p = png.pixel(x, y);
      counts.set(p, (counts.get(p) ?? 0) + 1);
    }
  }
  let background = 0;
  let most = 0;
  for (const [colour, n] of counts) {
    if (n > most) [background, most] = [colour, n];
  }
  const base = luminance(background);
  let standing = 0;
  for (const [colour, n] of counts) {
    if (Math.abs(luminance(colour) - base) > 64) standing += n;
  }
  return { share: standing / Math.max(1, (x1 - x0) * (y1 - y0)), colours: counts.size };
}

function luminance(rgb: number): number {
  return 0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff);
}
