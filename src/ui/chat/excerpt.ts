// Long stored texts shown in a list: the start of the text on one line, so a row stays a row.

/** The text's first `max` characters with its line breaks folded, '…' where it was cut. */
export function excerpt(text: string, max = 140): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1).trimEnd()}…`;
}
