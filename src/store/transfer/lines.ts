// Splits a byte stream into NDJSON lines without ever holding more than one line: a line longer than the limit is
// rejected as soon as it passes it, so a file with no newlines cannot exhaust memory.
import { ImportFormatError } from '../../core/errors';
import { concatBytes } from './bytes';

export interface Line {
  /** 1-based line number, as a text editor shows it. */
  number: number;
  text: string;
  /** Encoded size, for batching by bytes. */
  bytes: number;
}

const NEWLINE = 0x0a;

export async function* readLines(stream: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Line> {
  const reader = stream.getReader();
  // fatal: a file that is not UTF-8 is malformed, not something to import with replacement characters.
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Uint8Array[] = [];
  let size = 0;
  let number = 1;
  const finishLine = (): Line => {
    let text: string;
    try {
      text = decoder.decode(concatBytes(parts));
    } catch {
      throw new ImportFormatError(number, 'is not valid UTF-8');
    }
    const line = { number, text, bytes: size };
    parts = [];
    size = 0;
    number++;
    return line;
  };
  const append = (piece: Uint8Array): void => {
    if (size + piece.length > maxBytes) throw new ImportFormatError(number, `is longer than ${maxBytes} bytes`);
    if (piece.length > 0) parts.push(piece);
    size += piece.length;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      let start = 0;
      for (let end = value.indexOf(NEWLINE); end !== -1; end = value.indexOf(NEWLINE, start)) {
        append(value.subarray(start, end));
        yield finishLine();
        start = end + 1;
      }
      append(value.subarray(start));
    }
    // A last line without its newline still counts; an empty remainder is just the final newline.
    if (size > 0) yield finishLine();
  } finally {
    // Stops reading the file when the consumer stops early (an invalid record) or the stream failed.
    await reader.cancel().catch(() => undefined);
  }
}
