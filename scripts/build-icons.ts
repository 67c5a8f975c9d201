// Draws Persona's app icons (a person's head and shoulders on the accent colour) as PNGs for the web app manifest:
// 192 and 512 px, and a 512 px maskable one whose figure stays inside the central 80% safe zone. Pure Node (zlib),
// so the icons rebuild byte-identically anywhere: `npx tsx scripts/build-icons.ts`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const ACCENT: readonly [number, number, number] = [0x1f, 0x5f, 0xbf];
const WHITE: readonly [number, number, number] = [0xff, 0xff, 0xff];
/** Samples per pixel side: edges are anti-aliased by averaging 4 × 4 samples. */
const SUPERSAMPLE = 4;

/** Whether the point (x, y) in 0…1 is on the figure, drawn at `scale` about the centre. */
function onFigure(x: number, y: number, scale: number): boolean {
  const u = 0.5 + (x - 0.5) / scale;
  const v = 0.5 + (y - 0.5) / scale;
  const head = (u - 0.5) ** 2 + (v - 0.36) ** 2 <= 0.15 ** 2;
  const shoulders = v <= 0.84 && ((u - 0.5) / 0.28) ** 2 + ((v - 0.84) / 0.3) ** 2 <= 1;
  return head || shoulders;
}

/** RGBA pixels: the figure in white on the accent colour; round corners unless maskable (the platform masks it). */
function draw(size: number, maskable: boolean): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const scale = maskable ? 0.7 : 0.9;
  const corner = 0.18;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let figure = 0;
      let inside = 0;
      for (let sy = 0; sy < SUPERSAMPLE; sy++) {
        for (let sx = 0; sx < SUPERSAMPLE; sx++) {
          const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
          const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
          const cx = Math.min(Math.max(x, corner), 1 - corner);
          const cy = Math.min(Math.max(y, corner), 1 - corner);
          if (maskable || (x - cx) ** 2 + (y - cy) ** 2 <= corner ** 2) inside++;
          if (onFigure(x, y, scale)) figure++;
        }
      }
      const samples = SUPERSAMPLE * SUPERSAMPLE;
      const f = figure / samples;
      const at = (py * size + px) * 4;
      for (let c = 0; c < 3; c++) pixels[at + c] = Math.round((WHITE[c] ?? 0) * f + (ACCENT[c] ?? 0) * (1 - f));
      pixels[at + 3] = Math.round((255 * inside) / samples);
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of bytes) c = (CRC_TABLE[(c ^ byte) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function png(size: number, rgba: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  // Each row starts with filter type 0 (none).
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array())]);
}

const out = new URL('../public/icons/', import.meta.url);
for (const [name, size, maskable] of [['icon-192.png', 192, false], ['icon-512.png', 512, false], ['maskable-512.png', 512, true]] as const) {
  writeFileSync(new URL(name, out), png(size, draw(size, maskable)));
  console.log(`public/icons/${name}`);
}
