// Model answers in a safe subset of Markdown. Parsing is pure and yields plain data (blocks of inline pieces), which
// rendering turns into Lit templates with text and attribute bindings only: no HTML string is ever built, so markup
// in an answer (or anything a prompt injection made the model write) shows as the characters it is. Parsing takes
// any prefix of an answer, so a half-streamed answer renders sensibly: an unclosed fence is a code block so far, an
// unclosed ** or ` is plain text until its closer arrives.
import { html, nothing, type TemplateResult } from 'lit';

export type Inline =
  | { type: 'text'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'code'; text: string }
  | { type: 'link'; href: string; children: Inline[] }
  | { type: 'break' };

export type Block =
  | { type: 'paragraph'; content: Inline[] }
  | { type: 'heading'; level: number; content: Inline[] }
  | { type: 'code'; lang: string; text: string; closed: boolean }
  | { type: 'list'; ordered: boolean; start: number; items: Inline[][] };

/** The only link targets rendered as links; anything else (javascript:, data:, relative) stays text. */
const SAFE_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*(\d{1,9})[.)]\s+(.*)$/;
const LINK = /^\[([^\]\n]*)\]\(([^()\s]*)\)/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let paragraph: string[] = [];
  let list: { ordered: boolean; start: number; items: string[][] } | undefined;

  const flush = () => {
    if (paragraph.length > 0) blocks.push({ type: 'paragraph', content: parseLines(paragraph) });
    if (list) blocks.push({ type: 'list', ordered: list.ordered, start: list.start, items: list.items.map(parseLines) });
    paragraph = [];
    list = undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const fence = FENCE.exec(line);
    if (fence) {
      flush();
      const marker = fence[1] ?? '```';
      const body: string[] = [];
      let closed = false;
      for (i++; i < lines.length; i++) {
        const inner = lines[i] ?? '';
        if (inner.trim().startsWith(marker) && inner.trim().replaceAll(marker[0] ?? '`', '') === '') {
          closed = true;
          break;
        }
        body.push(inner);
      }
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n'), closed });
      continue;
    }
    if (line.trim() === '') {
      flush();
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading) {
      flush();
      blocks.push({ type: 'heading', level: heading[1]?.length ?? 1, content: parseInline(heading[2] ?? '') });
      continue;
    }
    const bullet = BULLET.exec(line);
    const numbered = bullet ? undefined : NUMBERED.exec(line);
    if (bullet || numbered) {
      const ordered = numbered !== undefined && numbered !== null;
      if (paragraph.length > 0 || (list && list.ordered !== ordered)) flush();
      list ??= { ordered, start: ordered ? Number(numbered[1]) : 1, items: [] };
      list.items.push([(bullet ? bullet[1] : numbered?.[2]) ?? '']);
      continue;
    }
    // A line that is not an item continues the last item (as Markdown's lazy continuation does), else the paragraph.
    const lastItem = list?.items.at(-1);
    if (lastItem) lastItem.push(line.trim());
    else paragraph.push(line);
  }
  flush();
  return blocks;
}

/** Lines of one block: inline Markdown per line, a line break between them. */
function parseLines(lines: readonly string[]): Inline[] {
  return lines.flatMap((line, i) => (i === 0 ? parseInline(line) : [{ type: 'break' } as const, ...parseInline(line)]));
}

export function parseInline(source: string): Inline[] {
  const out: Inline[] = [];
  let text = '';
  const pushText = (piece: string) => {
    text += piece;
  };
  const pushNode = (node: Inline) => {
    if (text) out.push({ type: 'text', text });
    text = '';
    out.push(node);
  };

  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    if (rest.startsWith('`')) {
      const end = source.indexOf('`', i + 1);
      if (end > i + 1) {
        pushNode({ type: 'code', text: source.slice(i + 1, end) });
        i = end + 1;
        continue;
      }
    } else if (rest.startsWith('**')) {
      const end = source.indexOf('**', i + 2);
      if (end > i + 2) {
        pushNode({ type: 'strong', children: parseInline(source.slice(i + 2, end)) });
        i = end + 2;
        continue;
      }
    } else if (rest.startsWith('*') && /^\*[^\s*]/.test(rest)) {
      const end = findEmphasisEnd(source, i + 1);
      if (end !== -1) {
        pushNode({ type: 'em', children: parseInline(source.slice(i + 1, end)) });
        i = end + 1;
        continue;
      }
    } else if (rest.startsWith('[')) {
      const link = LINK.exec(rest);
      if (link) {
        const href = safeHref(link[2] ?? '');
        if (href) pushNode({ type: 'link', href, children: parseInline(link[1] ?? '') });
        else pushText(link[0]);
        i += link[0].length;
        continue;
      }
    }
    pushText(source[i] ?? '');
    i++;
  }
  if (text) out.push({ type: 'text', text });
  return out;
}

/** The closing * of an emphasis opened before `from`: not preceded by a space and not part of **. */
function findEmphasisEnd(source: string, from: number): number {
  for (let j = from + 1; j < source.length; j++) {
    if (source[j] === '*' && source[j - 1] !== ' ' && source[j + 1] !== '*' && source[j - 1] !== '*') return j;
  }
  return -1;
}

/** The URL when it is absolute and http, https or mailto; undefined for anything else. */
export function safeHref(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  return SAFE_PROTOCOLS.has(url.protocol) ? url.href : undefined;
}

/** The answer as Lit templates. Headings start at h4: the page and the conversation own the levels above. */
export function renderMarkdown(source: string): TemplateResult {
  return html`${parseMarkdown(source).map(renderBlock)}`;
}

function renderBlock(block: Block): TemplateResult {
  switch (block.type) {
    case 'paragraph':
      return html`<p>${renderInline(block.content)}</p>`;
    case 'heading':
      if (block.level <= 1) return html`<h4>${renderInline(block.content)}</h4>`;
      if (block.level === 2) return html`<h5>${renderInline(block.content)}</h5>`;
      return html`<h6>${renderInline(block.content)}</h6>`;
    case 'code':
      return html`<pre class="code" data-lang=${block.lang || nothing}><code>${block.text}</code></pre>`;
    case 'list':
      return block.ordered
        ? html`<ol start=${block.start === 1 ? nothing : block.start}>${block.items.map((item) => html`<li>${renderInline(item)}</li>`)}</ol>`
        : html`<ul>${block.items.map((item) => html`<li>${renderInline(item)}</li>`)}</ul>`;
  }
}

function renderInline(pieces: readonly Inline[]): TemplateResult[] {
  return pieces.map((piece) => {
    switch (piece.type) {
      case 'text':
        return html`${piece.text}`;
      case 'strong':
        return html`<strong>${renderInline(piece.children)}</strong>`;
      case 'em':
        return html`<em>${renderInline(piece.children)}</em>`;
      case 'code':
        return html`<code>${piece.text}</code>`;
      case 'link':
        return html`<a href=${piece.href} rel="noopener noreferrer" target="_blank">${renderInline(piece.children)}</a>`;
      case 'break':
        return html`<br />`;
    }
  });
}
