// The answer Markdown parser: the subset it understands, partial input while an answer streams, and markup or
// unsafe links that must stay inert text (rendering binds parsed text only, so inert here means inert on the page).
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref, type Block, type Inline } from '../../../src/ui/chat/markdown';

const text = (value: string): Inline => ({ type: 'text', text: value });
const paragraph = (...content: Inline[]): Block => ({ type: 'paragraph', content });

/** All the text a reader would see, links' targets left out. */
function visibleText(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      if (node.type === 'text' || node.type === 'code') return node.text;
      if (node.type === 'break') return '\n';
      return visibleText(node.children);
    })
    .join('');
}

describe('parseMarkdown', () => {
  it('splits paragraphs at blank lines and keeps single line breaks', () => {
    expect(parseMarkdown('One\ntwo\n\nThree')).toEqual([paragraph(text('One'), { type: 'break' }, text('two')), paragraph(text('Three'))]);
    expect(parseMarkdown('')).toEqual([]);
    expect(parseMarkdown('a\r\n\r\nb')).toEqual([paragraph(text('a')), paragraph(text('b'))]);
  });

  it('reads bold, italic, inline code and nests them', () => {
    expect(parseInline('a **b *c* d** e')).toEqual([text('a '), { type: 'strong', children: [text('b '), { type: 'em', children: [text('c')] }, text(' d')] }, text(' e')]);
    expect(parseInline('*x* and `**not bold**`')).toEqual([{ type: 'em', children: [text('x')] }, text(' and '), { type: 'code', text: '**not bold**' }]);
    // A lone star between spaces is arithmetic, not emphasis.
    expect(parseInline('2 * 3 * 4')).toEqual([text('2 * 3 * 4')]);
  });

  it('reads headings, bullet and numbered lists, with continuation lines', () => {
    expect(parseMarkdown('# Title\n## Sub ##\n- one\n- two\n  more\n\n3. c\n4) d')).toEqual([
      { type: 'heading', level: 1, content: [text('Title')] },
      { type: 'heading', level: 2, content: [text('Sub')] },
      { type: 'list', ordered: false, start: 1, items: [[text('one')], [text('two'), { type: 'break' }, text('more')]] },
      { type: 'list', ordered: true, start: 3, items: [[text('c')], [text('d')]] },
    ]);
    expect(parseMarkdown('*italic* is not a list item')).toEqual([paragraph({ type: 'em', children: [text('italic')] }, text(' is not a list item'))]);
  });

  it('keeps fenced code verbatim, Markdown inside it included', () => {
    expect(parseMarkdown('Before\n```ts\nconst a = **1**;\n\n<b>x</b>\n```\nAfter')).toEqual([
      paragraph(text('Before')),
      { type: 'code', lang: 'ts', text: 'const a = **1**;\n\n<b>x</b>', closed: true },
      paragraph(text('After')),
    ]);
  });

  it('renders any prefix of a streaming answer sensibly', () => {
    expect(parseMarkdown('Here:\n```js\nlet x')).toEqual([paragraph(text('Here:')), { type: 'code', lang: 'js', text: 'let x', closed: false }]);
    expect(parseMarkdown('It is **very')).toEqual([paragraph(text('It is **very'))]);
    expect(parseMarkdown('Use `npm')).toEqual([paragraph(text('Use `npm'))]);
    expect(parseMarkdown('See [the docs](https://exa')).toEqual([paragraph(text('See [the docs](https://exa'))]);
    expect(parseMarkdown('- first\n- ')).toEqual([{ type: 'list', ordered: false, start: 1, items: [[text('first')], []] }]);
  });

  it('links only http, https and mailto targets', () => {
    expect(parseInline('[site](https://example.org/a?b=1) [mail](mailto:a@example.org)')).toEqual([
      { type: 'link', href: 'https://example.org/a?b=1', children: [text('site')] },
      text(' '),
      { type: 'link', href: 'mailto:a@example.org', children: [text('mail')] },
    ]);
    for (const unsafe of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html;base64,PHNjcmlwdD4=', 'vbscript:x', '/relative', '#profile', '//evil.example']) {
      expect(safeHref(unsafe), unsafe).toBeUndefined();
    }
  });
});

describe('markup and unsafe links stay inert text', () => {
  const payloads = [
    '<script>alert(1)</script>',
    '<img src=x onerror=alert(1)>',
    '<img src=x onerror="window.__xss=1">',
    '<a href="javascript:alert(1)">click</a>',
    '<svg onload=alert(1)>',
    '"><iframe src=javascript:alert(1)>',
  ];

  it.each(payloads)('%s is one text piece, character for character', (payload) => {
    expect(parseMarkdown(payload)).toEqual([paragraph(text(payload))]);
    expect(parseMarkdown(`**${payload}**`)).toEqual([paragraph({ type: 'strong', children: [text(payload)] })]);
  });

  it('a javascript: link is its own source text, not a link', () => {
    const blocks = parseMarkdown('[x](javascript:alert(1))');
    expect(JSON.stringify(blocks)).not.toContain('"link"');
    const first = blocks[0];
    expect(first?.type === 'paragraph' && visibleText(first.content)).toBe('[x](javascript:alert(1))');
    expect(JSON.stringify(parseMarkdown('[x](data:text/html,<script>alert(1)</script>)'))).not.toContain('"link"');
  });

  it('markup inside code and link text stays text', () => {
    expect(parseInline('`<script>x</script>`')).toEqual([{ type: 'code', text: '<script>x</script>' }]);
    expect(parseInline('[<img src=x onerror=alert(1)>](https://example.org)')).toEqual([
      { type: 'link', href: 'https://example.org/', children: [text('<img src=x onerror=alert(1)>')] },
    ]);
    expect(parseMarkdown('```\n<script>alert(1)</script>')).toEqual([{ type: 'code', lang: '', text: '<script>alert(1)</script>', closed: false }]);
  });
});
